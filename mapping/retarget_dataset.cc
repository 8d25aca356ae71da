#include "mapping/retarget_dataset.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "datasets/dataset_reader.h"
#include "datasets/dataset_rewrite.h"
#include "envs/embodiment_spec.h"
#include "mapping/push_contact.h"

namespace immimic::mapping {
namespace {

// Rows x cols view of a float64 array of `rows` rows.
Eigen::MatrixXd AsMatrix(const datasets::Array& array, size_t cols, const std::string& where) {
  IMMIMIC_THROW_UNLESS(array.type() == datasets::ElementType::kFloat64 &&
                           array.num_elements() == array.rows() * cols,
                       core::InputError, where, ": expected ", array.rows(), " x ", cols,
                       " float64 values, got shape ", datasets::ShapeString(array.shape()));
  return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      array.doubles().data(), static_cast<Eigen::Index>(array.rows()),
      static_cast<Eigen::Index>(cols));
}

datasets::Array ToArray(const Eigen::MatrixXd& m) {
  std::vector<double> values(static_cast<size_t>(m.size()));
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      values.data(), m.rows(), m.cols()) = m;
  return datasets::Array::Float64({static_cast<size_t>(m.rows()), static_cast<size_t>(m.cols())},
                                  std::move(values));
}

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.9g", value);
  return buffer;
}

}  // namespace

RetargetDatasetSummary RetargetDataset(const std::string& human_path, const std::string& out_path,
                                       const RetargetConfig& config) {
  nlohmann::json env_args;
  {
    const datasets::DatasetReader reader(human_path);
    IMMIMIC_THROW_UNLESS(reader.is_human(), core::InputError, human_path,
                         ": not a human-video dataset (env_args embodiment is not human)");
    env_args = nlohmann::json::parse(reader.env_args());
    IMMIMIC_THROW_UNLESS(!env_args.contains("retarget"), core::InputError, human_path,
                         ": already retargeted (env_args has 'retarget'); start from the human "
                         "videos");
  }
  RetargetConfig resolved = config;
  ResolveContactTransform(env_args.value("task", ""), &resolved);
  const envs::EmbodimentSpec spec = envs::LoadEmbodimentSpec(resolved.embodiment);
  FrameRetargeter retargeter(spec, resolved);
  env_args["retarget"] = nlohmann::json::parse(RetargetConfigJson(resolved));

  RetargetDatasetSummary summary;
  summary.embodiment = config.embodiment;
  double retarget_seconds = 0.0;
  const auto edit = [&](size_t index, datasets::Episode& episode) {
    const std::string where = human_path + ": data/demo_" + std::to_string(index);
    for (const char* key : {datasets::kHandKeypoints, datasets::kWristPose}) {
      IMMIMIC_THROW_UNLESS(episode.obs.count(key) > 0, core::InputError, where, "/obs/", key,
                           ": missing (a human video needs it for retargeting)");
    }
    IMMIMIC_THROW_UNLESS(!episode.actions, core::InputError, where,
                         ": already has actions; start from the human videos");
    HumanFrames frames;
    frames.keypoints = AsMatrix(episode.obs.at(datasets::kHandKeypoints), 3 * kHumanKeypoints,
                                where + "/obs/hand_keypoints");
    frames.wrist_pose =
        AsMatrix(episode.obs.at(datasets::kWristPose), 7, where + "/obs/wrist_pose");
    if (episode.obs.count("hand_detected") > 0) {
      const Eigen::MatrixXd detected =
          AsMatrix(episode.obs.at("hand_detected"), 1, where + "/obs/hand_detected");
      for (Eigen::Index t = 0; t < detected.rows(); ++t) {
        frames.detected.push_back(detected(t, 0) != 0.0);
      }
    }
    const auto start = std::chrono::steady_clock::now();
    RetargetedDemo demo;
    try {
      demo = RetargetSequence(retargeter, frames);
    } catch (const core::InputError& e) {
      throw core::InputError(where + ": " + e.what());
    }
    retarget_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (episode.obs.count(datasets::kEefPose) > 0) {
      episode.extras["human_eef_pose"] = episode.obs.at(datasets::kEefPose);
    }
    episode.actions = ToArray(demo.actions);
    episode.obs[datasets::kEefPose] = ToArray(demo.eef_pose);
    const RetargetQuality& q = demo.quality;
    episode.attributes["retarget_residual_mm"] = Number(q.residual_mm_mean);
    episode.attributes["retarget_residual_mm_max"] = Number(q.residual_mm_max);
    episode.attributes["retarget_limit_hits"] = Number(q.limit_hit_fraction);
    episode.attributes["retarget_jitter"] = Number(q.jitter);
    episode.attributes["retarget_detected_frames"] = std::to_string(q.detected_frames);
    summary.per_demo.push_back(q);
  };
  datasets::RewriteOptions options;
  options.env_args_json = env_args.dump();
  datasets::RewriteDataset(human_path, out_path, edit, options);

  summary.demos = static_cast<int>(summary.per_demo.size());
  double limit_frames = 0.0, iteration_frames = 0.0;
  for (const RetargetQuality& q : summary.per_demo) {
    summary.frames += q.frames;
    summary.detected_frames += q.detected_frames;
    summary.residual_mm_mean += q.residual_mm_mean * q.detected_frames;
    summary.residual_mm_max = std::max(summary.residual_mm_max, q.residual_mm_max);
    limit_frames += q.limit_hit_fraction * q.detected_frames;
    iteration_frames += q.mean_iterations * q.detected_frames;
    summary.jitter_mean += q.jitter;
  }
  if (summary.detected_frames > 0) {
    summary.residual_mm_mean /= summary.detected_frames;
    summary.limit_hit_fraction = limit_frames / summary.detected_frames;
    summary.mean_iterations = iteration_frames / summary.detected_frames;
  }
  if (summary.demos > 0) summary.jitter_mean /= summary.demos;
  summary.seconds = retarget_seconds;
  summary.ms_per_frame = summary.frames > 0 ? 1000.0 * retarget_seconds / summary.frames : 0.0;
  return summary;
}

std::string RetargetSummaryJson(const RetargetDatasetSummary& s, bool per_demo) {
  nlohmann::ordered_json j;
  j["embodiment"] = s.embodiment;
  j["demos"] = s.demos;
  j["frames"] = s.frames;
  j["detected_frames"] = s.detected_frames;
  j["residual_mm_mean"] = s.residual_mm_mean;
  j["residual_mm_max"] = s.residual_mm_max;
  j["limit_hit_fraction"] = s.limit_hit_fraction;
  j["jitter_mean"] = s.jitter_mean;
  j["mean_iterations"] = s.mean_iterations;
  j["retarget_seconds"] = s.seconds;
  j["ms_per_frame"] = s.ms_per_frame;
  if (per_demo) {
    j["per_demo"] = nlohmann::ordered_json::array();
    for (const RetargetQuality& q : s.per_demo) {
      j["per_demo"].push_back({{"frames", q.frames},
                               {"detected_frames", q.detected_frames},
                               {"residual_mm_mean", q.residual_mm_mean},
                               {"residual_mm_max", q.residual_mm_max},
                               {"limit_hit_fraction", q.limit_hit_fraction},
                               {"jitter", q.jitter}});
    }
  }
  return j.dump();
}

}  // namespace immimic::mapping
