#include "datasets/demo_replay.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "envs/sim_state.h"

namespace immimic::datasets {
namespace {

double MaxAbsDifference(const double* a, const double* b, size_t n) {
  double worst = 0;
  for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace

envs::EnvConfig EnvConfigFromEnvArgs(const std::string& env_args, const std::string& where) {
  const auto args = nlohmann::json::parse(env_args, nullptr, false);
  IMMIMIC_THROW_UNLESS(args.is_object() && args.contains("embodiment") &&
                           args["embodiment"].is_string() && args.contains("config"),
                       core::InputError, where,
                       ": env_args lacks embodiment or config (not made by immimic demos?)");
  envs::EnvConfig config;
  config.embodiment = args["embodiment"].get<std::string>();
  config.task = args.value("task", "");
  const auto& c = args["config"];
  config.image_width = c.value("image_width", config.image_width);
  config.image_height = c.value("image_height", config.image_height);
  config.control_hz = c.value("control_hz", config.control_hz);
  config.substeps = c.value("substeps", config.substeps);
  config.episode_seconds = c.value("episode_seconds", config.episode_seconds);
  return config;
}

envs::EnvConfig EnvConfigFromDataset(const DatasetReader& reader) {
  return EnvConfigFromEnvArgs(reader.env_args(), reader.path());
}

ReplayResult ReplayDemo(const DatasetReader& reader, size_t demo, envs::Env& env,
                        const std::function<void(const envs::Observation&)>& on_frame) {
  IMMIMIC_THROW_UNLESS(demo < reader.num_demos(), core::InputError, reader.path(), ": demo ", demo,
                       " does not exist (", reader.num_demos(), " demos)");
  const Episode episode = reader.Read(demo);
  const mjModel* m = env.model();
  const size_t state_size = static_cast<size_t>(envs::SimStateSize(m));
  IMMIMIC_THROW_UNLESS(
      episode.states.shape().size() == 2 && episode.states.shape()[1] == state_size,
      core::InputError, reader.path(), ": ", reader.demo_names()[demo],
      "/states: width does not match this build's model (", state_size, ")");
  const Array& eef = episode.obs.at(kEefPose);
  const size_t eef_width = eef.shape()[1];
  IMMIMIC_THROW_UNLESS(eef_width == static_cast<size_t>(env.embodiment().proprio_dim()),
                       core::InputError, reader.path(), ": eef_pose width does not match ",
                       env.embodiment().name);
  ReplayResult result;
  result.demo = reader.demo_names()[demo];
  result.stored_success = episode.success;
  result.steps = episode.num_samples;
  const size_t physical = static_cast<size_t>(envs::SimStatePhysicalSize(m));
  std::vector<double> state(state_size);
  const double* stored_states = episode.states.doubles().data();
  const double* stored_eef = eef.doubles().data();
  auto compare = [&](size_t t, const envs::Observation& obs) {
    envs::GetSimState(m, env.data(), state.data());
    // the physical configuration after time (mj_forward rewrites the solver warm start)
    result.max_state_divergence = std::max(
        result.max_state_divergence,
        MaxAbsDifference(state.data() + 1, stored_states + t * state_size + 1, physical - 1));
    result.max_eef_divergence =
        std::max(result.max_eef_divergence,
                 MaxAbsDifference(obs.proprio.data(), stored_eef + t * eef_width, eef_width));
  };
  if (episode.actions) {
    result.mode = "actions";
    const auto it = episode.attributes.find("seed");
    IMMIMIC_THROW_UNLESS(it != episode.attributes.end(), core::InputError, reader.path(), ": ",
                         result.demo, " has no seed attribute");
    const envs::Observation* obs = &env.Reset(std::stoull(it->second));
    const size_t width = episode.actions->shape()[1];
    const double* actions = episode.actions->doubles().data();
    for (size_t t = 0; t < episode.num_samples; ++t) {
      compare(t, *obs);
      const envs::StepResult& r =
          env.Step(Eigen::Map<const Eigen::VectorXd>(actions + t * width, width));
      obs = &r.obs;
      result.replay_success = r.info.success;
      if (on_frame) on_frame(*obs);
      if (r.truncated && t + 1 < episode.num_samples) break;
    }
  } else {
    result.mode = "states";
    env.Reset(0);
    for (size_t t = 0; t < episode.num_samples; ++t) {
      envs::SetSimState(m, env.mutable_data(), stored_states + t * state_size);
      const envs::Observation& obs = env.RefreshObservation();
      compare(t, obs);
      result.replay_success = env.task().IsSuccess(m, env.data());
      if (on_frame) on_frame(obs);
    }
  }
  return result;
}

}  // namespace immimic::datasets
