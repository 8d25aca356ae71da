#include "benchmarks/rollout.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "benchmarks/randomized_policy.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/parallel_for.h"
#include "core/rng.h"
#include "envs/env.h"
#include "envs/video_writer.h"

namespace immimic::benchmarks {
namespace {

struct Finished {
  EpisodeResult result;
  std::vector<envs::Image> frames;  // only for episodes that go into the video
  std::string trace;                // CSV rows, only when a trace is written
};

bool WantsVideo(const RolloutOptions& o, int index) {
  return !o.video_path.empty() && (o.video_episodes == 0 || index < o.video_episodes);
}

void Validate(const envs::EnvConfig& config, const RolloutOptions& o) {
  IMMIMIC_THROW_UNLESS(o.episodes >= 1, core::InputError, "episodes must be at least 1, got ",
                       o.episodes);
  IMMIMIC_THROW_UNLESS(o.threads >= 0, core::InputError, "threads must be >= 0, got ", o.threads);
  IMMIMIC_THROW_UNLESS(o.max_steps >= 0, core::InputError, "max_steps must be >= 0, got ",
                       o.max_steps);
  IMMIMIC_THROW_UNLESS(o.video_episodes >= 0, core::InputError, "video_episodes must be >= 0, got ",
                       o.video_episodes);
  IMMIMIC_THROW_UNLESS(std::isfinite(o.min_motion_speed) && o.min_motion_speed >= 0,
                       core::InputError, "min_motion_speed must be >= 0, got ", o.min_motion_speed);
  envs::ValidateEnvConfig(config);
}

// One trace row: episode, step, TCP position, action, object position.
void AppendTraceRow(int episode, int step, const envs::Observation& obs,
                    const Eigen::VectorXd& action, std::string* trace) {
  std::ostringstream row;
  row.precision(6);
  row << episode << ',' << step;
  for (int i = 0; i < 3; ++i) row << ',' << obs.proprio[i];
  for (int i = 0; i < action.size(); ++i) row << ',' << action[i];
  for (int i = 0; i < 3; ++i)
    row << ',' << (i < obs.object_state.size() ? obs.object_state[i] : 0.0);
  row << '\n';
  *trace += row.str();
}

std::string TraceHeader(int action_dim) {
  std::string header = "episode,step,tcp_x,tcp_y,tcp_z";
  for (int i = 0; i < action_dim; ++i) header += ",action_" + std::to_string(i);
  return header + ",object_x,object_y,object_z\n";
}

EpisodeResult RunEpisode(envs::Env& env, agents::Policy& policy, const RolloutOptions& o, int index,
                         std::vector<envs::Image>* frames, std::string* trace) {
  EpisodeResult r;
  r.index = index;
  r.seed = EpisodeSeed(o.seed, index);
  const envs::Observation* obs = &env.Reset(r.seed);
  policy.Reset(r.seed);
  auto record_frame = [&] {
    if (!frames) return;
    if (!obs->agentview.empty()) {
      frames->push_back(obs->agentview);
    } else {  // physics-only env: render the camera for the video alone
      envs::Image frame;
      frame.Resize(env.config().image_width, env.config().image_height);
      env.RenderCamera(env.agentview_camera(), &frame);
      frames->push_back(std::move(frame));
    }
  };
  std::vector<Eigen::Vector3d> positions{obs->proprio.head<3>()};
  record_frame();
  r.end_reason = "max_steps";
  while (o.max_steps == 0 || r.length < o.max_steps) {
    const Eigen::VectorXd action = policy.Act(*obs);
    if (trace) AppendTraceRow(index, r.length, *obs, action, trace);
    const envs::StepResult& step = env.Step(action);
    obs = &step.obs;
    ++r.length;
    positions.push_back(obs->proprio.head<3>());
    record_frame();
    if (step.terminated) {
      r.success = step.info.success;
      r.end_reason = "success";
      break;
    }
    if (step.truncated) {
      r.truncated = true;
      r.end_reason = step.info.truncation_reason;
      break;
    }
  }

  const double hz = env.config().control_hz;
  const Eigen::VectorXd speed = SpeedProfile(positions, hz);
  r.path_length_m = speed.sum() / hz;
  r.peak_speed = speed.size() > 0 ? speed.maxCoeff() : 0.0;
  const double undefined = std::numeric_limits<double>::quiet_NaN();
  const bool moved = r.peak_speed >= o.min_motion_speed && r.peak_speed > 0;
  r.sparc = moved && speed.size() >= 2 ? Sparc(speed, hz) : undefined;
  r.ldlj = moved && speed.size() >= 3 ? Ldlj(speed, hz) : undefined;
  return r;
}

MeanStd Summarise(const std::vector<double>& values) {
  MeanStd s;
  double sum = 0.0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    ++s.count;
    sum += v;
  }
  if (s.count == 0) return s;
  s.mean = sum / s.count;
  double squares = 0.0;
  for (double v : values) {
    if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
  }
  s.std = s.count > 1 ? std::sqrt(squares / (s.count - 1)) : 0.0;
  return s;
}

// Episodes are consumed strictly in index order, so results and video do not depend on the
// thread count. `single` is used when there is no factory (one thread).
RolloutResult Run(const envs::EnvConfig& config, const agents::PolicyFactory& factory,
                  agents::Policy* single, const RolloutOptions& o,
                  const RolloutProgress& progress) {
  Validate(config, o);
  const auto start = std::chrono::steady_clock::now();
  const auto scene = envs::SceneModel::Build(config);
  const int threads = single ? 1 : core::ThreadsFor(o.threads, o.episodes);

  std::unique_ptr<envs::VideoWriter> video;
  if (!o.video_path.empty()) {
    video = std::make_unique<envs::VideoWriter>(o.video_path, config.image_width,
                                                config.image_height, config.control_hz);
  }

  std::string trace;
  RolloutResult result;
  result.task = config.task;
  result.embodiment = config.embodiment;
  result.seed = o.seed;
  result.randomization = o.randomization ? o.randomization->name : "";
  result.episodes = o.episodes;
  result.threads = threads;
  struct Worker {
    std::unique_ptr<envs::Env> env;
    std::unique_ptr<agents::Policy> owned;
    std::unique_ptr<RandomizedPolicy> randomized;  // wraps the policy under randomisation
  };
  std::mutex factory_mutex;  // factories need not be thread-safe
  core::OrderedParallelJobs<Worker, Finished> jobs;
  jobs.produce = [&](int index, Worker& worker) {
    if (!single && !worker.owned) {
      std::lock_guard<std::mutex> lock(factory_mutex);
      worker.owned = factory();
    }
    agents::Policy* policy = single ? single : worker.owned.get();
    IMMIMIC_THROW_UNLESS(policy != nullptr, core::InputError,
                         "the policy factory returned no policy");
    if (!worker.env) worker.env = std::make_unique<envs::Env>(config, scene, o.randomization);
    if (o.randomization && !worker.randomized) {
      worker.randomized = std::make_unique<RandomizedPolicy>(*policy, *o.randomization);
    }
    if (worker.randomized) policy = worker.randomized.get();
    Finished done;
    done.result =
        RunEpisode(*worker.env, *policy, o, index, WantsVideo(o, index) ? &done.frames : nullptr,
                   o.trace_path.empty() ? nullptr : &done.trace);
    return done;
  };
  jobs.consume = [&](int index, Finished& done) {
    if (video) {
      for (const envs::Image& frame : done.frames) video->Add(frame);
    }
    trace += done.trace;
    result.successes += done.result.success;
    result.per_episode.push_back(std::move(done.result));
    if (progress) progress(index + 1, o.episodes);
    return true;
  };
  core::OrderedParallelFor(o.episodes, threads, 2 * threads, jobs);
  if (video) video->Close();
  if (!o.trace_path.empty()) {
    core::WriteFileAtomically(o.trace_path, TraceHeader(scene->embodiment().action_dim()) + trace);
  }

  result.success_rate = static_cast<double>(result.successes) / result.episodes;
  result.success_interval = WilsonInterval(result.successes, result.episodes);
  std::vector<double> lengths, sparcs, ldljs;
  for (const EpisodeResult& e : result.per_episode) {
    lengths.push_back(e.length);
    sparcs.push_back(e.sparc);
    ldljs.push_back(e.ldlj);
  }
  result.length = Summarise(lengths);
  result.sparc = Summarise(sparcs);
  result.ldlj = Summarise(ldljs);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

nlohmann::json NumberOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nullptr; }

nlohmann::json ToJson(const MeanStd& s) {
  return {{"count", s.count},
          {"mean", s.count > 0 ? nlohmann::json(s.mean) : nullptr},
          {"std", s.count > 0 ? nlohmann::json(s.std) : nullptr}};
}

}  // namespace

uint64_t EpisodeSeed(uint64_t run_seed, int index) {
  return core::DeriveSeed(core::DeriveSeed(run_seed, kEvaluationStream),
                          static_cast<uint64_t>(index));
}

RolloutResult EvaluatePolicy(const envs::EnvConfig& config, const agents::PolicyFactory& factory,
                             const RolloutOptions& options, const RolloutProgress& progress) {
  IMMIMIC_THROW_UNLESS(factory != nullptr, core::InputError, "no policy factory given");
  return Run(config, factory, nullptr, options, progress);
}

RolloutResult EvaluatePolicy(const envs::EnvConfig& config, agents::Policy& policy,
                             const RolloutOptions& options, const RolloutProgress& progress) {
  return Run(config, nullptr, &policy, options, progress);
}

nlohmann::json ToJson(const RolloutResult& r) {
  nlohmann::json episodes = nlohmann::json::array();
  for (const EpisodeResult& e : r.per_episode) {
    episodes.push_back({{"index", e.index},
                        {"seed", e.seed},
                        {"success", e.success},
                        {"length", e.length},
                        {"truncated", e.truncated},
                        {"end_reason", e.end_reason},
                        {"path_length_m", e.path_length_m},
                        {"peak_speed", e.peak_speed},
                        {"sparc", NumberOrNull(e.sparc)},
                        {"ldlj", NumberOrNull(e.ldlj)}});
  }
  nlohmann::json out = {{"task", r.task},
                        {"embodiment", r.embodiment},
                        {"seed", r.seed},
                        {"episodes", r.episodes},
                        {"successes", r.successes},
                        {"success_rate", r.success_rate},
                        {"success_interval_95", {r.success_interval.low, r.success_interval.high}},
                        {"length", ToJson(r.length)},
                        {"sparc", ToJson(r.sparc)},
                        {"ldlj", ToJson(r.ldlj)},
                        {"per_episode", episodes},
                        {"threads", r.threads},
                        {"wall_seconds", r.wall_seconds}};
  if (!r.randomization.empty())
    out["randomization"] = r.randomization;  // nominal reports unchanged
  return out;
}

}  // namespace immimic::benchmarks
