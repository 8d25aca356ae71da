#include "benchmarks/rollout.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "benchmarks/expert_policy.h"
#include "core/error.h"
#include "core/rng.h"
#include "core/rotation.h"

namespace immimic::benchmarks {
namespace {

envs::EnvConfig PickPlaceRobotiq() {
  envs::EnvConfig config;
  config.task = "pick_place";
  config.embodiment = "robotiq";
  config.images = false;
  return config;
}

// Holds the TCP pose and hand of the first observation of the episode.
class HoldStillPolicy : public agents::Policy {
 public:
  void Reset(uint64_t) override { hold_.resize(0); }
  Eigen::VectorXd Act(const envs::Observation& obs) override {
    if (hold_.size() == 0) {
      const int hand = static_cast<int>(obs.proprio.size()) - 7;
      hold_.resize(6 + hand);
      hold_.head<3>() = obs.proprio.head<3>();
      hold_.segment<3>(3) = core::AxisAngleFromQuat(core::QuatFromWxyz(obs.proprio.data() + 3));
      hold_.tail(hand) = obs.proprio.tail(hand);
    }
    return hold_;
  }

 private:
  Eigen::VectorXd hold_;
};

// Returns an action of the wrong size.
class BrokenPolicy : public agents::Policy {
 public:
  void Reset(uint64_t) override {}
  Eigen::VectorXd Act(const envs::Observation&) override { return Eigen::VectorXd::Zero(3); }
};

nlohmann::json WithoutTiming(const RolloutResult& r) {
  nlohmann::json j = ToJson(r);
  j.erase("wall_seconds");
  j.erase("threads");
  return j;
}

TEST(Rollout, ScriptedExpertSucceedsOnPickPlace) {
  const envs::EnvConfig config = PickPlaceRobotiq();
  ExpertPolicy expert(config, envs::MotionStyle::kHumanVideo);  // 4.5x shorter than teleoperation
  RolloutOptions options;
  options.episodes = 2;
  options.seed = 11;
  int progress_calls = 0;
  const RolloutResult r = EvaluatePolicy(config, expert, options, [&](int done, int total) {
    EXPECT_EQ(done, ++progress_calls);
    EXPECT_EQ(total, 2);
  });
  EXPECT_EQ(progress_calls, 2);
  ASSERT_EQ(r.per_episode.size(), 2u);
  EXPECT_EQ(r.successes, 2);
  EXPECT_DOUBLE_EQ(r.success_rate, 1.0);
  EXPECT_NEAR(r.success_interval.low, 0.3423802275, 1e-9);  // Wilson, 2 of 2
  EXPECT_EQ(r.success_interval.high, 1.0);
  for (const EpisodeResult& e : r.per_episode) {
    EXPECT_TRUE(e.success);
    EXPECT_EQ(e.end_reason, "success");
    EXPECT_EQ(e.seed, EpisodeSeed(11, e.index));
    EXPECT_GT(e.length, 30);
    EXPECT_GT(e.path_length_m, 0.1);  // reach, lift, carry
    // many teleoperated submovements: finite and well below a single reach's -1.4
    EXPECT_LT(e.sparc, -1.5);
    EXPECT_TRUE(std::isfinite(e.ldlj));
  }
  // the last episode followed the expert's own run (Act checks every observation) and ended
  // when the task first succeeded; the expert's run goes on to its plan's end
  EXPECT_TRUE(expert.episode().success);
  EXPECT_LE(r.per_episode[1].length, expert.episode().steps);
  EXPECT_EQ(r.sparc.count, 2);
}

TEST(Rollout, ResultsDoNotDependOnTheThreadCount) {
  const envs::EnvConfig config = PickPlaceRobotiq();
  const agents::PolicyFactory factory = [config] {
    return std::make_unique<ExpertPolicy>(config, envs::MotionStyle::kHumanVideo);
  };
  RolloutOptions options;
  options.episodes = 3;
  options.seed = 5;
  options.threads = 1;
  const RolloutResult one = EvaluatePolicy(config, factory, options);
  options.threads = 2;
  const RolloutResult two = EvaluatePolicy(config, factory, options);
  EXPECT_EQ(two.threads, 2);
  // two runs with the same seed, episodes finishing in another order: identical results
  EXPECT_EQ(WithoutTiming(one), WithoutTiming(two));
}

TEST(Rollout, HoldingStillNeverSucceeds) {
  const envs::EnvConfig config = PickPlaceRobotiq();
  HoldStillPolicy policy;
  RolloutOptions options;
  options.episodes = 2;
  options.max_steps = 45;
  const RolloutResult r = EvaluatePolicy(config, policy, options);
  EXPECT_EQ(r.successes, 0);
  EXPECT_EQ(r.success_interval.low, 0.0);
  EXPECT_NEAR(r.success_interval.high, 0.6576198, 1e-6);  // Wilson, 0 of 2
  for (const EpisodeResult& e : r.per_episode) {
    EXPECT_FALSE(e.success);
    EXPECT_EQ(e.length, 45);
    EXPECT_EQ(e.end_reason, "max_steps");
    EXPECT_LT(e.peak_speed, options.min_motion_speed);
    EXPECT_TRUE(std::isnan(e.sparc));
  }
  const nlohmann::json j = ToJson(r);
  EXPECT_TRUE(j["per_episode"][0]["sparc"].is_null());
  EXPECT_EQ(j["sparc"]["count"], 0);
  EXPECT_EQ(j["success_rate"], 0.0);
}

TEST(Rollout, EnvTimeLimitEndsTheEpisode) {
  envs::EnvConfig config = PickPlaceRobotiq();
  config.episode_seconds = 1.0;
  HoldStillPolicy policy;
  RolloutOptions options;
  options.episodes = 1;
  const RolloutResult r = EvaluatePolicy(config, policy, options);
  EXPECT_EQ(r.per_episode[0].end_reason, "time_limit");
  EXPECT_TRUE(r.per_episode[0].truncated);
  EXPECT_EQ(r.per_episode[0].length, 30);
}

TEST(Rollout, WritesTheAgentviewVideo) {
  const std::string path = ::testing::TempDir() + "/rollout_" + std::to_string(getpid()) + ".mp4";
  RolloutOptions options;
  options.video_path = path;
  {
    // physics-only env: frames are rendered for the video alone
    HoldStillPolicy policy;
    options.episodes = 2;
    options.max_steps = 5;
    EvaluatePolicy(PickPlaceRobotiq(), policy, options);
    ASSERT_TRUE(std::filesystem::exists(path));
    EXPECT_GT(std::filesystem::file_size(path), 1000u);
    std::filesystem::remove(path);
  }
  {
    // with observation images the expert (replayed from its physics-only copy) still follows
    // its run exactly: rendering does not touch the physics
    envs::EnvConfig config = PickPlaceRobotiq();
    config.images = true;
    ExpertPolicy expert(config, envs::MotionStyle::kHumanVideo);
    options.episodes = 1;
    options.max_steps = 0;
    EXPECT_EQ(EvaluatePolicy(config, expert, options).successes, 1);
    EXPECT_GT(std::filesystem::file_size(path), 1000u);
    std::filesystem::remove(path);
  }
}

TEST(Rollout, TraceHasOneRowPerStepInEpisodeOrder) {
  const std::string path =
      ::testing::TempDir() + "/rollout_trace_" + std::to_string(getpid()) + ".csv";
  HoldStillPolicy policy;
  RolloutOptions options;
  options.episodes = 2;
  options.max_steps = 3;
  options.trace_path = path;
  EvaluatePolicy(PickPlaceRobotiq(), policy, options);
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::filesystem::remove(path);
  ASSERT_EQ(lines.size(), 1u + 2 * 3);
  // Robotiq: 6 pose dims + 1 gripper
  EXPECT_EQ(lines[0],
            "episode,step,tcp_x,tcp_y,tcp_z,action_0,action_1,action_2,action_3,action_4,"
            "action_5,action_6,object_x,object_y,object_z");
  EXPECT_EQ(lines[1].rfind("0,0,", 0), 0u);
  EXPECT_EQ(lines[3].rfind("0,2,", 0), 0u);
  EXPECT_EQ(lines[4].rfind("1,0,", 0), 0u);
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(std::count(lines[i].begin(), lines[i].end(), ','), 14) << lines[i];
  }
}

TEST(Rollout, BadOptionsAndPoliciesGiveClearErrors) {
  const envs::EnvConfig config = PickPlaceRobotiq();
  HoldStillPolicy hold;
  RolloutOptions options;
  options.episodes = 0;
  EXPECT_THROW(EvaluatePolicy(config, hold, options), core::InputError);
  options.episodes = 2;
  options.max_steps = -1;
  EXPECT_THROW(EvaluatePolicy(config, hold, options), core::InputError);
  options.max_steps = 3;
  BrokenPolicy broken;
  EXPECT_THROW(EvaluatePolicy(config, broken, options), core::InputError);
  const agents::PolicyFactory broken_factory = [] { return std::make_unique<BrokenPolicy>(); };
  options.threads = 2;
  EXPECT_THROW(EvaluatePolicy(config, broken_factory, options), core::InputError);
  const agents::PolicyFactory empty_factory = [] { return std::unique_ptr<agents::Policy>(); };
  EXPECT_THROW(EvaluatePolicy(config, empty_factory, options), core::InputError);
}

TEST(ExpertPolicy, RefusesAnEnvResetWithAnotherSeed) {
  const envs::EnvConfig config = PickPlaceRobotiq();
  ExpertPolicy expert(config, envs::MotionStyle::kHumanVideo);
  envs::Env env(config);
  expert.Reset(1);
  EXPECT_THROW(expert.Act(env.Reset(2)), core::Error);
  expert.Reset(2);
  EXPECT_NO_THROW(expert.Act(env.Reset(2)));
}

TEST(Rollout, EpisodeSeedsDifferFromDemoCollectionSeeds) {
  for (int k = 0; k < 5; ++k) {
    EXPECT_NE(EpisodeSeed(0, k), core::DeriveSeed(0, k));
    EXPECT_NE(EpisodeSeed(0, k), EpisodeSeed(1, k));
  }
}

}  // namespace
}  // namespace immimic::benchmarks
