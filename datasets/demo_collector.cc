#include "datasets/demo_collector.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/error.h"
#include "core/parallel_for.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/rng.h"
#include "core/rotation.h"
#include "datasets/dataset_writer.h"
#include "datasets/episode.h"
#include "envs/experts/expert.h"
#include "envs/scene_builder.h"
#include "envs/sim_state.h"

namespace immimic::datasets {
namespace {

constexpr int kKeypoints = 21;

// Rows of one episode, appended step by step.
struct Recording {
  std::vector<double> states, keypoints_true, wrist_true;
};

// The first `rows` rows of values recorded row by row (the observer also sees the final state).
Array FirstRows(const std::vector<double>& values, size_t rows, std::vector<size_t> row_shape) {
  size_t row_size = 1;
  for (size_t n : row_shape) row_size *= n;
  row_shape.insert(row_shape.begin(), rows);
  return Array::Float64(row_shape,
                        std::vector<double>(values.begin(), values.begin() + rows * row_size));
}

// What a hand-pose estimator reports for one frame: noisy keypoints with occasional outliers,
// a noisy wrist pose, or nothing at all (a dropped frame: NaN, detected = 0).
void Estimate(const double* keypoints_true, const double* wrist_true, const EstimatorNoise& n,
              core::Rng& rng, double* keypoints, double* wrist, double* detected) {
  if (rng.Uniform(0, 1) < n.dropout_probability) {
    std::fill(keypoints, keypoints + 3 * kKeypoints, std::numeric_limits<double>::quiet_NaN());
    std::fill(wrist, wrist + 7, std::numeric_limits<double>::quiet_NaN());
    *detected = 0;
    return;
  }
  *detected = 1;
  for (int k = 0; k < kKeypoints; ++k) {
    Eigen::Vector3d offset(rng.Normal(0, n.keypoint_sigma_m), rng.Normal(0, n.keypoint_sigma_m),
                           rng.Normal(0, n.keypoint_sigma_m));
    if (rng.Uniform(0, 1) < n.outlier_probability) {
      const Eigen::Vector3d direction(rng.Normal(), rng.Normal(), rng.Normal());
      offset += n.outlier_offset_m * direction.normalized();
    }
    for (int i = 0; i < 3; ++i) keypoints[3 * k + i] = keypoints_true[3 * k + i] + offset[i];
  }
  for (int i = 0; i < 3; ++i) wrist[i] = wrist_true[i] + rng.Normal(0, n.wrist_position_sigma_m);
  const Eigen::Vector3d tilt(rng.Normal(0, n.wrist_rotation_sigma_rad),
                             rng.Normal(0, n.wrist_rotation_sigma_rad),
                             rng.Normal(0, n.wrist_rotation_sigma_rad));
  const Eigen::Quaterniond noisy =
      Eigen::Quaterniond(core::MatrixFromAxisAngle(tilt)) * core::QuatFromWxyz(wrist_true + 3);
  core::QuatToWxyz(noisy, wrist + 3);
}

Array Images(const std::vector<envs::Observation>& obs, size_t rows, bool wrist) {
  const envs::Image& first = wrist ? obs[0].wrist : obs[0].agentview;
  std::vector<uint8_t> pixels;
  pixels.reserve(rows * first.pixels.size());
  for (size_t t = 0; t < rows; ++t) {
    const envs::Image& image = wrist ? obs[t].wrist : obs[t].agentview;
    pixels.insert(pixels.end(), image.pixels.begin(), image.pixels.end());
  }
  return Array::Uint8(
      {rows, static_cast<size_t>(first.height), static_cast<size_t>(first.width), 3},
      std::move(pixels));
}

Array Vectors(const std::vector<envs::Observation>& obs, size_t rows, bool proprio) {
  const size_t width = proprio ? obs[0].proprio.size() : obs[0].object_state.size();
  std::vector<double> values;
  values.reserve(rows * width);
  for (size_t t = 0; t < rows; ++t) {
    const Eigen::VectorXd& v = proprio ? obs[t].proprio : obs[t].object_state;
    values.insert(values.end(), v.data(), v.data() + v.size());
  }
  return Array::Float64({rows, width}, std::move(values));
}

// One attempt's outcome; `episode` is set when it is to be kept.
struct Attempt {
  bool success = false;
  std::optional<Episode> episode;
};

// The expert's motion style for CollectOptions::style on an embodiment.
envs::MotionStyle ChooseStyle(const std::string& style, bool human_hand) {
  if (style.empty()) {
    return human_hand ? envs::MotionStyle::kHumanVideo : envs::MotionStyle::kTeleoperation;
  }
  IMMIMIC_THROW_UNLESS(style == "teleop" || style == "human", core::InputError,
                       core::UnknownNameMessage("style", style, {"teleop", "human"}));
  IMMIMIC_THROW_UNLESS(!human_hand || style == "human", core::InputError,
                       "the human hand records human videos only (style human)");
  return style == "human" ? envs::MotionStyle::kHumanVideo : envs::MotionStyle::kTeleoperation;
}

std::string StyleName(envs::MotionStyle style, bool human_hand) {
  if (human_hand) return "human_video";
  return style == envs::MotionStyle::kHumanVideo ? "human_pace" : "teleoperation";
}

// Runs attempt `index` on `env` (one per thread) and builds its stored episode.
Attempt RunAttempt(envs::Env& env, const CollectOptions& o, int index) {
  const envs::EmbodimentSpec& spec = env.embodiment();
  const bool human = !spec.is_robot();
  const mjModel* m = env.model();
  const int state_size = envs::SimStateSize(m);
  std::vector<int> keypoint_sites;
  int wrist_body = -1;
  if (human) {
    for (int k = 0; k < kKeypoints; ++k) {
      IMMIMIC_THROW_UNLESS(spec.keypoints.count(k) > 0, core::ConfigError, spec.name, ": keypoint ",
                           k, " is not mapped to a site");
      keypoint_sites.push_back(
          envs::RequireId(m, mjOBJ_SITE, envs::Prefixed(spec.name, spec.keypoints.at(k))));
    }
    wrist_body = envs::RequireId(m, mjOBJ_BODY, envs::Prefixed(spec.name, "base"));
  }
  const uint64_t seed = core::DeriveSeed(o.seed, static_cast<uint64_t>(index));
  Recording rec;
  std::vector<double> state(state_size);
  auto observer = [&](const envs::Env& e) {
    envs::GetSimState(m, e.data(), state.data());
    rec.states.insert(rec.states.end(), state.begin(), state.end());
    for (int site : keypoint_sites) {
      rec.keypoints_true.insert(rec.keypoints_true.end(), e.data()->site_xpos + 3 * site,
                                e.data()->site_xpos + 3 * site + 3);
    }
    if (wrist_body >= 0) {
      rec.wrist_true.insert(rec.wrist_true.end(), e.data()->xpos + 3 * wrist_body,
                            e.data()->xpos + 3 * wrist_body + 3);
      rec.wrist_true.insert(rec.wrist_true.end(), e.data()->xquat + 4 * wrist_body,
                            e.data()->xquat + 4 * wrist_body + 4);
    }
  };
  const envs::MotionStyle style = ChooseStyle(o.style, human);
  const envs::ExpertEpisode run = envs::RunExpert(env, seed, style, true, {}, 1.0, observer);
  Attempt attempt;
  attempt.success = run.success;
  const size_t rows = run.actions.size();
  if ((!run.success && !o.keep_failures) || rows == 0) return attempt;

  Episode episode;
  episode.num_samples = rows;
  episode.states = FirstRows(rec.states, rows, {static_cast<size_t>(state_size)});
  episode.obs["agentview_image"] = Images(run.observations, rows, false);
  episode.obs[kEefPose] = Vectors(run.observations, rows, true);
  episode.obs["object_state"] = Vectors(run.observations, rows, false);
  std::vector<double> rewards(rows, 0.0);
  std::vector<uint8_t> dones(rows, 0);
  rewards.back() = run.success ? 1.0 : 0.0;
  dones.back() = 1;
  episode.rewards = Array::Float64({rows}, rewards);
  episode.dones = Array::Uint8({rows}, dones);
  if (human) {
    core::Rng noise_rng(core::DeriveSeed(seed, core::streams::kEstimatorNoise));
    std::vector<double> keypoints(rows * 3 * kKeypoints), wrist(rows * 7), detected(rows);
    for (size_t t = 0; t < rows; ++t) {
      Estimate(&rec.keypoints_true[t * 3 * kKeypoints], &rec.wrist_true[t * 7], o.noise, noise_rng,
               &keypoints[t * 3 * kKeypoints], &wrist[t * 7], &detected[t]);
    }
    episode.obs[kHandKeypoints] = Array::Float64({rows, kKeypoints, 3}, keypoints);
    episode.obs[kWristPose] = Array::Float64({rows, 7}, wrist);
    episode.obs["hand_detected"] = Array::Float64({rows}, detected);
    episode.extras["hand_keypoints_true"] =
        FirstRows(rec.keypoints_true, rows, {static_cast<size_t>(kKeypoints), 3});
    episode.extras["wrist_pose_true"] = FirstRows(rec.wrist_true, rows, {7});
  } else {
    std::vector<double> actions;
    for (const Eigen::VectorXd& a : run.actions) {
      actions.insert(actions.end(), a.data(), a.data() + a.size());
    }
    episode.actions = Array::Float64({rows, static_cast<size_t>(env.action_dim())}, actions);
    episode.obs["wrist_image"] = Images(run.observations, rows, true);
  }
  episode.model_file = env.scene()->xml();
  episode.success = run.success;
  episode.attributes["seed"] = std::to_string(seed);
  episode.attributes["style"] = StyleName(style, human);
  attempt.episode = std::move(episode);
  return attempt;
}

}  // namespace

CollectSummary CollectDemos(const CollectOptions& o, const std::string& out_path,
                            const std::function<void(int, int)>& progress) {
  IMMIMIC_THROW_UNLESS(o.episodes >= 1, core::InputError, "--episodes must be at least 1");
  IMMIMIC_THROW_UNLESS(o.max_attempts >= 0, core::InputError, "max_attempts must be >= 0");
  IMMIMIC_THROW_UNLESS(o.threads >= 0, core::InputError, "threads must be >= 0");
  const auto start = std::chrono::steady_clock::now();
  envs::EnvConfig config;
  config.embodiment = o.embodiment;
  config.task = o.task;
  config.image_width = o.image_width;
  config.image_height = o.image_height;
  const auto scene = envs::SceneModel::Build(config);
  const bool human = !scene->embodiment().is_robot();
  const envs::MotionStyle style = ChooseStyle(o.style, human);
  const int max_attempts = o.max_attempts > 0 ? o.max_attempts : 3 * o.episodes;
  const int threads = core::ThreadsFor(o.threads, max_attempts);

  // Attempts are written strictly in order, so the file does not depend on the thread count. An
  // attempt only starts while the kept episodes plus those that may still be kept (running, or
  // finished with an episode and not yet written) fall short of the target: no episode is
  // simulated and rendered only to be dropped, and the last one is not waited for.
  std::atomic<int> kept{0}, dropped_unwritten{0};
  DatasetWriter writer(out_path);
  CollectSummary summary;
  core::OrderedParallelJobs<std::unique_ptr<envs::Env>, Attempt> jobs;
  jobs.may_start = [&](int next, int consumed) {
    return kept + (next - consumed) - dropped_unwritten < o.episodes;
  };
  jobs.produce = [&](int index, std::unique_ptr<envs::Env>& env) {
    if (!env) env = std::make_unique<envs::Env>(config, scene);
    Attempt attempt = RunAttempt(*env, o, index);
    if (!attempt.episode) ++dropped_unwritten;
    return attempt;
  };
  jobs.consume = [&](int, Attempt& attempt) {
    ++summary.attempts;
    summary.successes += attempt.success;
    if (progress) progress(summary.attempts, max_attempts);
    if (!attempt.episode) {
      --dropped_unwritten;
      return true;
    }
    writer.Add(*attempt.episode);
    ++kept;
    ++summary.kept;
    summary.frames += static_cast<long>(attempt.episode->num_samples);
    return summary.kept < o.episodes;
  };
  core::OrderedParallelFor(max_attempts, threads, 2 * threads, jobs);
  IMMIMIC_THROW_UNLESS(summary.kept > 0, core::Error, "no episode to keep: ", summary.successes,
                       " successes in ", summary.attempts, " attempts (see --keep-failures)");
  nlohmann::json env_args = {{"task", o.task},
                             {"embodiment", o.embodiment},
                             {"seed", o.seed},
                             {"style", StyleName(style, human)},
                             {"config",
                              {{"image_width", o.image_width},
                               {"image_height", o.image_height},
                               {"control_hz", config.control_hz},
                               {"substeps", config.substeps},
                               {"episode_seconds", config.episode_seconds}}},
                             {"estimator_noise",
                              {{"keypoint_sigma_m", o.noise.keypoint_sigma_m},
                               {"outlier_probability", o.noise.outlier_probability},
                               {"outlier_offset_m", o.noise.outlier_offset_m},
                               {"dropout_probability", o.noise.dropout_probability},
                               {"wrist_position_sigma_m", o.noise.wrist_position_sigma_m},
                               {"wrist_rotation_sigma_rad", o.noise.wrist_rotation_sigma_rad}}},
                             {"state_layout",
                              "time, qpos, qvel, act, mocap_pos, mocap_quat, qacc_warmstart, ctrl, "
                              "qfrc_applied"}};
  writer.Finish(env_args.dump());
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace immimic::datasets
