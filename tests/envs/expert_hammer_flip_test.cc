// Scripted experts for hammer and flip: for every registered embodiment the hammer expert
// succeeds on two seeds in the style its data is recorded in (robots: teleoperation; the human
// hand: human video), and a seed repeats; the flip expert does the same for the embodiments
// where it reaches the success bar.

#include <gtest/gtest.h>

#include "envs/experts/expert.h"
#include "tests/envs/scripted_motion.h"

namespace immimic::envs {
namespace {

using testing::PhysicsOnlyConfig;

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

// the embodiments whose flip expert reaches the docs' success bar (docs/tasks.md says why the
// dexterous hands do not yet: allegro, ability)
INSTANTIATE_TEST_SUITE_P(Working, FlipExpert, ::testing::Values("robotiq", "fin_ray", "human"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace immimic::envs
