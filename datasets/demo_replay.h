#pragma once
// Re-simulates a stored demo and measures how far the simulation departs from what was
// stored: robot demos replay their actions from the stored episode seed; human videos (no
// actions) restore each stored state and recompute the observation.

#include <functional>
#include <string>

#include "datasets/dataset_reader.h"
#include "envs/env.h"

namespace immimic::datasets {

struct ReplayResult {
  std::string demo;
  std::string mode;  // "actions" or "states"
  size_t steps = 0;
  double max_state_divergence = 0;  // max |state - stored state| over the demo
  double max_eef_divergence = 0;    // max |eef_pose - stored eef_pose|
  bool stored_success = false;
  bool replay_success = false;  // the task's predicate at the end of the replay
};

// The env config that produced the dataset (task, embodiment, image size) from env_args.
envs::EnvConfig EnvConfigFromDataset(const DatasetReader& reader);
// The same from env_args JSON text (e.g. kept in a training run); `where` names it in errors.
envs::EnvConfig EnvConfigFromEnvArgs(const std::string& env_args, const std::string& where);

// `on_frame` (optional) sees the observation after each replayed step.
ReplayResult ReplayDemo(const DatasetReader& reader, size_t demo, envs::Env& env,
                        const std::function<void(const envs::Observation&)>& on_frame = nullptr);

}  // namespace immimic::datasets
