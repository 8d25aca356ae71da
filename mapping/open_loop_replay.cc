#include "mapping/open_loop_replay.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "datasets/dataset_reader.h"
#include "envs/env.h"

namespace immimic::mapping {

ReplaySummary ReplayRetargeted(const std::string& path, const ReplayOptions& options) {
  IMMIMIC_THROW_UNLESS(options.hold_frames >= 0 && options.max_demos >= 0, core::InputError,
                       "replay: hold_frames and max_demos must be >= 0");
  const datasets::DatasetReader reader(path);
  const nlohmann::json env_args = nlohmann::json::parse(reader.env_args());
  IMMIMIC_THROW_UNLESS(reader.is_human() && env_args.contains("retarget"), core::InputError, path,
                       ": not a retargeted human dataset (immimic retarget output)");
  ReplaySummary summary;
  summary.task = env_args.value("task", "");
  summary.embodiment = env_args["retarget"].value("embodiment", "");
  envs::EnvConfig config;
  config.embodiment = summary.embodiment;
  config.task = summary.task;
  config.images = false;
  if (env_args.contains("config") && env_args["config"].is_object()) {
    const nlohmann::json& c = env_args["config"];
    config.control_hz = c.value("control_hz", config.control_hz);
    config.substeps = c.value("substeps", config.substeps);
    config.episode_seconds = c.value("episode_seconds", config.episode_seconds);
  }
  envs::Env env(config);
  const size_t demos = options.max_demos > 0
                           ? std::min<size_t>(options.max_demos, reader.num_demos())
                           : reader.num_demos();
  for (size_t k = 0; k < demos; ++k) {
    const datasets::Episode episode = reader.Read(k);
    const std::string where = path + ": data/" + reader.demo_names()[k];
    IMMIMIC_THROW_UNLESS(episode.attributes.count("seed") > 0, core::InputError, where,
                         ": no seed attribute to replay from");
    env.Reset(std::stoull(episode.attributes.at("seed")));
    const datasets::Array& actions = *episode.actions;
    const size_t width = actions.shape()[1];
    bool success = false;
    Eigen::VectorXd action(static_cast<Eigen::Index>(width));
    const size_t steps = actions.rows() + static_cast<size_t>(options.hold_frames);
    for (size_t t = 0; t < steps && !success; ++t) {
      const size_t row = std::min(t, actions.rows() - 1);
      for (size_t d = 0; d < width; ++d) action[d] = actions.doubles()[row * width + d];
      const envs::StepResult& result = env.Step(action);
      success = result.terminated || result.info.success;
      if (result.truncated) break;
    }
    summary.success.push_back(success);
    summary.successes += success ? 1 : 0;
    ++summary.demos;
  }
  return summary;
}

}  // namespace immimic::mapping
