#include "benchmarks/generation_throughput.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "envs/env.h"

namespace immimic::benchmarks {

GenerationThroughput MeasureGeneration(const datasets::CollectOptions& options,
                                       const std::string& scratch_path) {
  GenerationThroughput g;
  g.task = options.task;
  g.embodiment = options.embodiment;
  g.threads = options.threads > 0
                  ? options.threads
                  : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const datasets::CollectSummary s = datasets::CollectDemos(options, scratch_path);
  std::remove(scratch_path.c_str());
  g.attempts = s.attempts;
  g.kept = s.kept;
  g.frames = s.frames;
  g.seconds = s.seconds;
  g.frames_per_second = s.seconds > 0 ? s.frames / s.seconds : 0.0;

  // raw: the same scene, the same number of frames, each one control period of bare mj_step
  // followed by the renders a recorded frame needs; no expert, no observation, no dataset
  envs::EnvConfig config;
  config.task = options.task;
  config.embodiment = options.embodiment;
  config.image_width = options.image_width;
  config.image_height = options.image_height;
  envs::Env env(config);
  env.Reset(options.seed);
  const bool robot = env.embodiment().is_robot();
  g.cameras = robot ? 2 : 1;
  envs::Image frame;
  frame.Resize(options.image_width, options.image_height);
  const mjModel* m = env.model();
  mjData* d = env.mutable_data();
  const auto start = std::chrono::steady_clock::now();
  for (long f = 0; f < s.frames; ++f) {
    for (int k = 0; k < config.substeps; ++k) mj_step(m, d);
    env.RenderCamera(env.agentview_camera(), &frame);
    if (robot) env.RenderCamera(env.wrist_camera(), &frame);
  }
  g.raw_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  g.raw_frames_per_second = g.raw_seconds > 0 ? s.frames / g.raw_seconds : 0.0;
  g.raw_single_thread_share = g.seconds > 0 ? g.raw_seconds / (g.seconds * g.threads) : 0.0;
  return g;
}

}  // namespace immimic::benchmarks
