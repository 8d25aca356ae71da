#include "benchmarks/expert_policy.h"

#include <algorithm>

#include "core/error.h"

namespace immimic::benchmarks {
namespace {

envs::EnvConfig PhysicsOnly(envs::EnvConfig config) {
  config.images = false;  // rendering does not touch the physics
  return config;
}

}  // namespace

ExpertPolicy::ExpertPolicy(const envs::EnvConfig& config, envs::MotionStyle style)
    : env_(PhysicsOnly(config)), style_(style) {}

void ExpertPolicy::Reset(uint64_t seed) {
  episode_ = envs::RunExpert(env_, seed, style_, /*record=*/true, {}, /*settle_seconds=*/1.0);
  step_ = 0;
  started_ = true;
}

Eigen::VectorXd ExpertPolicy::Act(const envs::Observation& obs) {
  IMMIMIC_THROW_UNLESS(started_, core::Error, "expert policy: Act called before Reset");
  IMMIMIC_THROW_UNLESS(!episode_.actions.empty(), core::Error,
                       "expert policy: the expert produced no actions for this seed");
  // the expert's observations are those before each action (plus the last one); past its run
  // the policy only holds, and there is nothing to compare with
  if (step_ < episode_.observations.size()) {
    const envs::Observation& expected = episode_.observations[step_];
    IMMIMIC_THROW_UNLESS(obs.proprio.size() == expected.proprio.size(), core::Error,
                         "expert policy: observation has ", obs.proprio.size(),
                         " proprio values, the expert's env ", expected.proprio.size());
    const double departure = (obs.proprio - expected.proprio).cwiseAbs().maxCoeff();
    IMMIMIC_THROW_UNLESS(departure == 0.0, core::Error, "expert policy: at step ", step_,
                         " the observation departs from the expert's run by ", departure,
                         "; was the env reset with the seed given to Reset, same config?");
  }
  const size_t a = std::min(step_, episode_.actions.size() - 1);
  ++step_;
  return episode_.actions[a];
}

}  // namespace immimic::benchmarks
