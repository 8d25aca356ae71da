#pragma once
// Open-loop check of a policy against recorded robot demos: at every `stride`-th frame the
// predictor sees the recorded observation history (as a rollout would have) and its chunk is
// compared with the recorded actions that followed. It separates "the network did not fit the
// data" from closed-loop failures (compounding error, multimodality), and is how the one-demo
// learning check reads.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agents/chunk_executor.h"

namespace immimic::agents {

struct OpenLoopOptions {
  int obs_horizon = 2;   // frames handed to the predictor (the run's)
  int frame_stride = 1;  // policy steps between its observations and chunk rows (the run's)
  // recorded frames per policy step: the run's robot time compression, so the check reads the
  // demos at the pace the policy was trained on (nearest recorded frame)
  double time_compression = 1.0;
  int max_demos = 0;  // 0: every demo of the dataset
  int stride = 10;    // check every stride-th frame of each demo
};

struct OpenLoopReport {
  std::string dataset;
  int demos = 0, checks = 0;  // demos read, chunks predicted
  // mean absolute error per action dimension: of the chunk's first action, and over the chunk
  // (rows past a demo's end compare with its last action, as training pads)
  std::vector<double> first_action_error, chunk_error;
  double position_error_m = 0;  // mean Euclidean error of the first action's position
};

// Throws core::InputError if the dataset is not a robot dataset with actions, eef_pose and both
// cameras, or if its action width differs from the predictor's.
OpenLoopReport EvaluateOpenLoop(const ChunkPredictor& predictor, const std::string& dataset_path,
                                const OpenLoopOptions& options);

nlohmann::json ToJson(const OpenLoopReport& report);

}  // namespace immimic::agents
