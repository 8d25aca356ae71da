#pragma once
// The scripted expert (envs/experts) as a Policy: a reference for what the task needs and a
// known-good policy for testing the evaluation pipeline. Privileged, not a learner.
//
// At Reset(seed) it runs the expert on its own physics-only Env with the same config and seed
// and records the actions; Act plays them back, then holds the last one. Env rollouts are
// bit-identical for a seed, so the evaluated Env follows the expert's trajectory exactly when it
// was reset with the same seed (the rollout does this). Act checks that: an observation that
// departs from the recorded one (another seed, another config) is an error, not a silent
// open-loop replay.

#include <memory>

#include "agents/policy.h"
#include "envs/env.h"
#include "envs/experts/expert.h"

namespace immimic::benchmarks {

class ExpertPolicy : public agents::Policy {
 public:
  explicit ExpertPolicy(const envs::EnvConfig& config,
                        envs::MotionStyle style = envs::MotionStyle::kTeleoperation);

  void Reset(uint64_t seed) override;
  // Throws core::Error if called before Reset or if `obs` departs from the expert's run.
  Eigen::VectorXd Act(const envs::Observation& obs) override;

  // The expert's own run for the current episode (actions and observations).
  const envs::ExpertEpisode& episode() const { return episode_; }

 private:
  envs::Env env_;
  envs::MotionStyle style_;
  envs::ExpertEpisode episode_;
  size_t step_ = 0;
  bool started_ = false;
};

}  // namespace immimic::benchmarks
