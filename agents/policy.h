#pragma once
// The Policy contract (docs/design.md "Contracts"): what the benchmark rolls out. Implemented by
// trained runs (a diffusion policy behind agents/chunk_executor.h), scripted experts
// (benchmarks/expert_policy.h) and anything a user plugs in. Free of LibTorch on purpose: the
// evaluation side builds and tests without it.

#include <Eigen/Core>
#include <cstdint>
#include <functional>
#include <memory>

#include "envs/env.h"

namespace immimic::agents {

class Policy {
 public:
  virtual ~Policy() = default;

  // Starts an episode. `seed` is the episode's seed, the same the Env was reset with; a policy
  // that draws random numbers (diffusion noise) derives its own stream from it
  // (core::streams in core/rng.h), so an episode is reproducible from the seed alone.
  virtual void Reset(uint64_t seed) = 0;

  // The action for the current observation: [TCP position 3 (world, m), TCP axis-angle 3
  // (world, rad), hand dims] as envs::Env::Step takes it (absolute, not a delta). Called once
  // per control step, after Reset, with the observations of one episode in order.
  virtual Eigen::VectorXd Act(const envs::Observation& obs) = 0;
};

// Makes a fresh, independent policy (own state, own random stream): what lets a rollout run
// episodes on several threads with results that do not depend on the thread count.
using PolicyFactory = std::function<std::unique_ptr<Policy>()>;

}  // namespace immimic::agents
