#pragma once
// Receding-horizon execution of action chunks with temporal ensembling (ImMimic's release,
// robomimic/scripts/run_trained_policy.py; ACT's Algorithm 2).
//
// Every `replan_every` steps the predictor turns the observation history (obs_horizon frames,
// oldest first; padded at reset by repeating the first frame) into a chunk of Ta actions, row k
// being the action for k steps from now. At step t every stored chunk that covers t proposes an
// action; with temporal ensembling they are averaged with weights decay^age, age = steps since
// that chunk was predicted. With decay < 1 (the release's 0.8) the NEWEST chunk weighs most: it
// was conditioned on the most recent observation, so the policy keeps reacting to the scene while
// older chunks only smooth the switch. decay > 1 gives ACT's choice (exp(-k i) with i = 0 the
// OLDEST: smoother, slower to react); decay = 1 is a plain mean.
//
// Averaging is per part of the action: positions and hand values linearly; orientations as unit
// quaternions (sign-aligned to the newest chunk's, weighted sum, normalised), because averaging
// axis-angle vectors is wrong near angle pi, where (pi - e) x and -(pi - e) x are nearly the same
// rotation but average to the identity. The result's position is clamped to the workspace box
// and the hand values to their limits.

#include <Eigen/Core>
#include <deque>
#include <functional>
#include <vector>

#include "envs/embodiment_spec.h"
#include "envs/env.h"

namespace immimic::agents {

struct ChunkExecutorConfig {
  int obs_horizon = 2;  // To, frames handed to the predictor
  // Steps between the predictor's frames and between its chunk's rows (the run's
  // PolicyConfig::frame_stride): it sees the observations of steps t - k*stride, and row j of
  // its chunk is for step t + j*stride, the steps between rows interpolated (UpsampleChunk).
  int frame_stride = 1;
  int replan_every = 1;           // predict a new chunk every this many steps (<= chunk length)
  bool temporal_ensemble = true;  // false: play the newest chunk as predicted
  double ensemble_decay = 0.8;    // weight decay^age (> 0); paper 0.8
  // TCP position box (world, m). Default: the reach of every task's scripted expert with a
  // margin (docs/evaluation.md), table surface at z = 0.75.
  Eigen::Vector3d workspace_low{0.20, -0.45, 0.74};
  Eigen::Vector3d workspace_high{0.80, 0.45, 1.35};
  Eigen::VectorXd hand_low, hand_high;  // one entry per hand dimension
};

// `base` with the rollout flags `--replan-every` and `--ensemble-decay` (0: no ensembling, the
// newest chunk only), as `immimic eval`, `export`, `bridge` and the Python module take them.
ChunkExecutorConfig WithExecution(ChunkExecutorConfig base, int replan_every,
                                  double ensemble_decay);
// Hand limits of an embodiment (the ranges Env::Step clips to).
void SetHandLimits(const envs::EmbodimentSpec& spec, ChunkExecutorConfig* config);
// Throws core::InputError naming the first invalid field.
void ValidateChunkExecutorConfig(const ChunkExecutorConfig& config);

// Observation history (oldest first, obs_horizon frames, frame_stride steps apart) -> chunk
// (Ta x action dim, row k = the action k * frame_stride steps from now).
using ChunkPredictor =
    std::function<Eigen::MatrixXd(const std::vector<envs::Observation>& history)>;

// A chunk whose rows are `stride` steps apart -> one row per step ((rows - 1) * stride + 1 rows):
// positions and hand values linear between neighbouring rows, orientations (axis-angle, dims
// 3..5) slerped as quaternions, so the result is a rotation between the two whichever axis-angle
// form each row is in. stride 1 returns the chunk unchanged.
Eigen::MatrixXd UpsampleChunk(const Eigen::MatrixXd& chunk, int stride);

class ChunkExecutor {
 public:
  // Throws core::InputError for an invalid config or an empty predictor.
  ChunkExecutor(ChunkExecutorConfig config, ChunkPredictor predictor);

  // Forgets the history and every stored chunk (start of an episode).
  void Reset();
  // The action for this step. Throws core::InputError if the predictor returns a chunk of the
  // wrong width, with no rows, or with NaN/Inf, or if no chunk covers this step (replan_every
  // longer than the chunk).
  Eigen::VectorXd Act(const envs::Observation& obs);

  const ChunkExecutorConfig& config() const { return config_; }
  int step() const { return step_; }                // steps taken since Reset
  int predictions() const { return predictions_; }  // predictor calls since Reset
  int action_dim() const { return 6 + static_cast<int>(config_.hand_low.size()); }

 private:
  struct Chunk {
    int start = 0;  // the step its row 0 is for
    Eigen::MatrixXd actions;
  };
  void Predict();
  Eigen::VectorXd Combine() const;
  void Clamp(Eigen::VectorXd* action) const;

  ChunkExecutorConfig config_;
  ChunkPredictor predictor_;
  std::vector<envs::Observation> history_;  // the last (obs_horizon - 1) * frame_stride + 1 steps
  std::deque<Chunk> chunks_;                // oldest first
  int step_ = 0;
  int predictions_ = 0;
};

}  // namespace immimic::agents
