#include "benchmarks/randomized_policy.h"

#include <algorithm>

namespace immimic::benchmarks {

RandomizedPolicy::RandomizedPolicy(agents::Policy& inner, const envs::Randomization& randomization)
    : inner_(inner), randomization_(randomization) {}

void RandomizedPolicy::Reset(uint64_t seed) {
  inner_.Reset(seed);
  rng_ = core::Rng(core::DeriveSeed(seed, core::streams::kObservationNoise));
  const envs::Randomization& r = randomization_;
  latency_steps_ = r.min_latency_steps;
  if (r.max_latency_steps > r.min_latency_steps) {
    const int span = r.max_latency_steps - r.min_latency_steps + 1;
    latency_steps_ += std::min(span - 1, static_cast<int>(rng_.Uniform(0.0, span)));
  }
  in_flight_.clear();
}

void RandomizedPolicy::AddNoise(const envs::Observation& obs) {
  noisy_ = obs;
  if (randomization_.proprio_noise > 0) {
    for (int i = 0; i < 3; ++i) noisy_.proprio[i] += rng_.Normal(0.0, randomization_.proprio_noise);
  }
  if (randomization_.object_noise > 0) {
    for (int k = 0; k + 7 <= noisy_.object_state.size(); k += 7) {
      for (int i = 0; i < 3; ++i) {
        noisy_.object_state[k + i] += rng_.Normal(0.0, randomization_.object_noise);
      }
    }
  }
}

Eigen::VectorXd RandomizedPolicy::Act(const envs::Observation& obs) {
  AddNoise(obs);
  in_flight_.push_back(inner_.Act(noisy_));
  if (static_cast<int>(in_flight_.size()) <= latency_steps_) return in_flight_.front();
  Eigen::VectorXd arrived = std::move(in_flight_.front());
  in_flight_.pop_front();
  return arrived;
}

}  // namespace immimic::benchmarks
