// The policy side of domain randomisation (benchmarks/randomized_policy.h) and a randomised
// evaluation: latency delays actions by whole steps, noise follows the episode seed, and a
// randomised evaluation is reproducible on any thread count.

#include "benchmarks/randomized_policy.h"

#include <gtest/gtest.h>

#include <set>

#include "benchmarks/rollout.h"
#include "core/strict_yaml.h"

namespace immimic::benchmarks {
namespace {

// Answers step k of an episode with the action [k, k, ...], and records what it observed.
class CountingPolicy : public agents::Policy {
 public:
  void Reset(uint64_t) override { step_ = 0; }
  Eigen::VectorXd Act(const envs::Observation& obs) override {
    seen.push_back(obs.proprio.head<3>());
    return Eigen::VectorXd::Constant(7, step_++);
  }
  std::vector<Eigen::Vector3d> seen;

 private:
  int step_ = 0;
};

envs::Randomization Latency(int low, int high, double proprio_noise) {
  envs::Randomization r;
  r.min_latency_steps = low;
  r.max_latency_steps = high;
  r.proprio_noise = proprio_noise;
  return r;
}

envs::Observation Still() {
  envs::Observation obs;
  obs.proprio = Eigen::VectorXd::Zero(8);
  obs.object_state = Eigen::VectorXd::Zero(7);
  return obs;
}

TEST(RandomizedPolicy, DelaysActionsByTheLatency) {
  CountingPolicy inner;
  const envs::Randomization r = Latency(2, 2, 0.0);
  RandomizedPolicy policy(inner, r);
  policy.Reset(5);
  EXPECT_EQ(policy.latency_steps(), 2);
  const std::vector<double> expected = {0, 0, 0, 1, 2, 3};
  for (double value : expected) EXPECT_EQ(policy.Act(Still())[0], value);
  policy.Reset(6);  // a new episode starts with nothing in flight
  EXPECT_EQ(policy.Act(Still())[0], 0);
}

TEST(RandomizedPolicy, LatencyAndNoiseFollowTheSeed) {
  const envs::Randomization r = Latency(0, 3, 0.01);
  std::set<int> latencies;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    CountingPolicy a_inner, b_inner;
    RandomizedPolicy a(a_inner, r), b(b_inner, r);
    a.Reset(seed);
    b.Reset(seed);
    EXPECT_EQ(a.latency_steps(), b.latency_steps());
    latencies.insert(a.latency_steps());
    a.Act(Still());
    b.Act(Still());
    EXPECT_EQ(a_inner.seen[0], b_inner.seen[0]);
    EXPECT_GT(a_inner.seen[0].norm(), 0.0);
    EXPECT_LT(a_inner.seen[0].norm(), 0.1);
  }
  EXPECT_EQ(latencies, (std::set<int>{0, 1, 2, 3}));
}

// Lowers the TCP at 10 cm/s from where the episode starts (a closed-loop policy that reads only
// what it observes, as a trained one does).
class DescendPolicy : public agents::Policy {
 public:
  void Reset(uint64_t) override { step_ = 0; }
  Eigen::VectorXd Act(const envs::Observation& obs) override {
    if (step_ == 0) start_ = obs.proprio;
    Eigen::VectorXd a(7);
    a.head<3>() = start_.head<3>() - Eigen::Vector3d(0, 0, 0.1 * step_++ / 30.0);
    a.segment<3>(3) = Eigen::Vector3d(M_PI, 0, 0);
    a[6] = 0.0;
    return a;
  }

 private:
  int step_ = 0;
  Eigen::VectorXd start_;
};

// A randomised evaluation: the report names the randomisation, episodes differ from the nominal
// ones, and the same seed gives the same episodes on any thread count.
TEST(RandomizedPolicy, RandomizedEvaluationIsReproducible) {
  envs::EnvConfig config;
  config.task = "pick_place";
  config.embodiment = "robotiq";
  config.images = false;
  RolloutOptions options;
  options.episodes = 3;
  options.seed = 21;
  options.max_steps = 20;
  options.threads = 1;
  const auto factory = [] { return std::make_unique<DescendPolicy>(); };
  const RolloutResult nominal = EvaluatePolicy(config, factory, options);
  options.randomization =
      std::make_shared<const envs::Randomization>(envs::LoadRandomization("default"));
  const RolloutResult first = EvaluatePolicy(config, factory, options);
  EXPECT_EQ(ToJson(first)["randomization"], "default");
  EXPECT_FALSE(ToJson(nominal).contains("randomization"));
  options.threads = 3;
  const RolloutResult again = EvaluatePolicy(config, factory, options);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(first.per_episode[i].path_length_m, again.per_episode[i].path_length_m);
    EXPECT_NE(first.per_episode[i].path_length_m, nominal.per_episode[i].path_length_m);
  }
}

}  // namespace
}  // namespace immimic::benchmarks
