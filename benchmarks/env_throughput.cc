#include "benchmarks/env_throughput.h"

#include <algorithm>
#include <chrono>

#include "envs/env.h"
#include "envs/gl_context.h"

namespace immimic::benchmarks {
namespace {

// MuJoCo's timer callback (milliseconds): with it set, mjData::timer accumulates the time
// spent inside mj_step, which separates physics from wrapper inside one Env::Step block.
mjtNum NowMilliseconds() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

template <typename Fn>
double Seconds(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

EnvThroughput MeasureEnvThroughput(const envs::EnvConfig& config, int steps, int rounds) {
  envs::EnvConfig physics_config = config;
  physics_config.images = false;
  envs::EnvConfig image_config = config;
  image_config.images = true;
  auto scene = envs::SceneModel::Build(image_config);
  envs::Env env(physics_config, scene);
  envs::Env image_env(image_config, scene);
  env.Reset(0);
  image_env.Reset(0);
  const Eigen::VectorXd hold = env.HoldAction(env.embodiment().OpenHand());
  const mjModel* m = scene->model();
  envs::DataPtr raw = envs::MakeData(m);
  mj_copyData(raw.get(), m, env.data());

  double best_raw = 1e30, best_env = 1e30, best_images = 1e30, best_render = 1e30;
  double best_overhead = 1e30;
  envs::Image frame;
  frame.Resize(config.image_width, config.image_height);
  for (int round = 0; round < rounds; ++round) {
    // raw physics restarts from the env's state each block: same contacts, same work
    mj_copyData(raw.get(), m, env.data());
    best_raw = std::min(best_raw, Seconds([&] {
                          for (int i = 0; i < steps * config.substeps; ++i) mj_step(m, raw.get());
                        }));
    mjData* d = env.mutable_data();
    d->timer[mjTIMER_STEP].duration = 0;
    mjcb_time = NowMilliseconds;
    const double env_seconds = Seconds([&] {
      for (int i = 0; i < steps; ++i) env.Step(hold);
    });
    mjcb_time = nullptr;
    const double physics_seconds = d->timer[mjTIMER_STEP].duration / 1000.0;
    best_env = std::min(best_env, env_seconds);
    best_overhead = std::min(best_overhead, (env_seconds - physics_seconds) / physics_seconds);
    best_images = std::min(best_images, Seconds([&] {
                             for (int i = 0; i < steps; ++i) image_env.Step(hold);
                           }));
    best_render = std::min(best_render, Seconds([&] {
                             for (int i = 0; i < steps; ++i)
                               image_env.RenderCamera(image_env.agentview_camera(), &frame);
                           }));
  }
  EnvThroughput t;
  t.embodiment = config.embodiment;
  t.substeps = config.substeps;
  t.raw_mj_steps_per_second = steps * config.substeps / best_raw;
  t.env_physics_steps_per_second = steps * config.substeps / best_env;
  t.overhead_percent = 100.0 * best_overhead;
  t.env_steps_per_second = steps / best_env;
  t.env_steps_with_images_per_second = steps / best_images;
  t.render_frames_per_second = steps / best_render;
  t.image_width = config.image_width;
  t.image_height = config.image_height;
  t.gl_backend = envs::HeadlessGlBackend();
  return t;
}

}  // namespace immimic::benchmarks
