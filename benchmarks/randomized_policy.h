#pragma once
// The policy-side half of domain randomisation (envs/randomization.h): Gaussian noise on the
// observed TCP and object positions, and actions that reach the robot a few control steps late
// (a latency drawn per episode). Until the first command arrives the robot keeps the first one,
// as a real arm holds its last target. Draws come from the episode seed's own stream.

#include <deque>

#include "agents/policy.h"
#include "envs/randomization.h"

namespace immimic::benchmarks {

class RandomizedPolicy : public agents::Policy {
 public:
  // `inner` must outlive this wrapper.
  RandomizedPolicy(agents::Policy& inner, const envs::Randomization& randomization);

  void Reset(uint64_t seed) override;
  Eigen::VectorXd Act(const envs::Observation& obs) override;

  int latency_steps() const { return latency_steps_; }

 private:
  void AddNoise(const envs::Observation& obs);

  agents::Policy& inner_;
  const envs::Randomization& randomization_;
  core::Rng rng_{0};
  int latency_steps_ = 0;
  envs::Observation noisy_;
  std::deque<Eigen::VectorXd> in_flight_;
};

}  // namespace immimic::benchmarks
