#pragma once
// Side-by-side throughput of the Env against raw MuJoCo on the same model and state, in one
// run: the numbers behind the README's performance table (`immimic bench`).

#include <string>

#include "envs/env_config.h"

namespace immimic::benchmarks {

struct EnvThroughput {
  std::string embodiment;
  int substeps = 0;
  double raw_mj_steps_per_second = 0;           // mj_step alone
  double env_physics_steps_per_second = 0;      // substeps run inside Env::Step (images off)
  double overhead_percent = 0;                  // extra time of Env::Step over its raw physics
  double env_steps_per_second = 0;              // policy steps, images off
  double env_steps_with_images_per_second = 0;  // policy steps, agentview + wrist rendered
  double render_frames_per_second = 0;          // one camera, step + render + read pixels excluded
  int image_width = 0, image_height = 0;
  std::string gl_backend;
};

// Runs `rounds` interleaved blocks of `steps` policy steps (and the matching raw mj_steps),
// keeping each measurement's best block, so background load affects both sides alike.
EnvThroughput MeasureEnvThroughput(const envs::EnvConfig& config, int steps, int rounds);

}  // namespace immimic::benchmarks
