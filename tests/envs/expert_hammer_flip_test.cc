// Scripted experts for hammer and flip: for every registered embodiment the hammer expert
// succeeds on two seeds in the style its data is recorded in (robots: teleoperation; the human
// hand: human video), and a seed repeats; the flip expert does the same for the embodiments
// it works for.

#include <gtest/gtest.h>

#include <algorithm>

#include "envs/experts/expert.h"
#include "envs/tasks/task_common.h"
#include "tests/envs/scripted_motion.h"

namespace immimic::envs {
namespace {

using testing::PhysicsOnlyConfig;
using testing::TcpPosition;

class HammerExpert : public ::testing::TestWithParam<std::string> {};

TEST_P(HammerExpert, RequiredStyleDrivesTheNail) {
  const std::string& embodiment = GetParam();
  const MotionStyle style =
      embodiment == "human" ? MotionStyle::kHumanVideo : MotionStyle::kTeleoperation;
  Env env(PhysicsOnlyConfig("hammer", embodiment));
  for (uint64_t seed : {0, 1}) {
    const ExpertEpisode e = RunExpert(env, seed, style, false);
    EXPECT_TRUE(e.success) << "seed " << seed << " " << e.truncation_reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, HammerExpert, ::testing::ValuesIn(EmbodimentNames()),
                         [](const auto& info) { return info.param; });

TEST(HammerExpertDeterminism, SameSeedSameActions) {
  Env env(PhysicsOnlyConfig("hammer", "robotiq"));
  const ExpertEpisode a = RunExpert(env, 3, MotionStyle::kHumanVideo, true);
  const ExpertEpisode b = RunExpert(env, 3, MotionStyle::kHumanVideo, true);
  EXPECT_TRUE(a.success);
  ASSERT_EQ(a.actions.size(), b.actions.size());
  for (size_t i = 0; i < a.actions.size(); ++i) ASSERT_EQ(a.actions[i], b.actions[i]);
  const ExpertEpisode c = RunExpert(env, 4, MotionStyle::kHumanVideo, true);
  EXPECT_FALSE(a.actions.size() == c.actions.size() && a.actions == c.actions);
}

class FlipExpert : public ::testing::TestWithParam<std::string> {};

TEST_P(FlipExpert, RequiredStyleFlipsTheDonut) {
  const std::string& embodiment = GetParam();
  const MotionStyle style =
      embodiment == "human" ? MotionStyle::kHumanVideo : MotionStyle::kTeleoperation;
  Env env(PhysicsOnlyConfig("flip", embodiment));
  for (uint64_t seed : {0, 1}) {
    const ExpertEpisode e = RunExpert(env, seed, style, false);
    EXPECT_TRUE(e.success) << "seed " << seed << " " << e.truncation_reason;
  }
}

// the embodiments the flip expert works for (docs/tasks.md says why the Allegro does not yet)
INSTANTIATE_TEST_SUITE_P(Working, FlipExpert,
                         ::testing::Values("robotiq", "fin_ray", "ability", "human"),
                         [](const auto& info) { return info.param; });

// A spatula left on the table (the Allegro's grip does not lift it yet, docs/tasks.md) must not
// be aimed from: the arm holds still above it instead of being sent off by a meaningless grip.
TEST(FlipExpertWithoutSpatula, HoldsStillAfterAFailedLift) {
  Env env(PhysicsOnlyConfig("flip", "allegro"));
  const ExpertEpisode e = RunExpert(env, 0, MotionStyle::kTeleoperation, true);
  double highest_spatula = 0.0;
  for (const Observation& obs : e.observations) {
    highest_spatula = std::max(highest_spatula, obs.object_state[2]);
  }
  if (highest_spatula > kTableTop + 0.02) GTEST_SKIP() << "the Allegro lifted the spatula";
  const Eigen::Vector3d spatula = e.observations.front().object_state.head<3>();
  double farthest = 0.0, highest_tcp = 0.0;
  for (const Observation& obs : e.observations) {
    farthest = std::max(farthest, (TcpPosition(obs) - spatula).head<2>().norm());
    highest_tcp = std::max(highest_tcp, TcpPosition(obs).z());
  }
  EXPECT_LT(farthest, 0.25);    // within reach of the handle (up to 17 cm behind the blade centre)
  EXPECT_LT(highest_tcp, 1.0);  // it starts at 0.95
}

}  // namespace
}  // namespace immimic::envs
