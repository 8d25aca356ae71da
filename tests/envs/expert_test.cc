// The scripted-expert framework on the tabletop cube: both motion styles succeed for every
// embodiment, teleoperation takes several times longer, and the same seed repeats exactly.

#include <gtest/gtest.h>

#include "envs/experts/expert.h"

namespace immimic::envs {
namespace {

EnvConfig Config(const std::string& embodiment) {
  EnvConfig config;
  config.embodiment = embodiment;
  config.images = false;
  return config;
}

class LiftExpert : public ::testing::TestWithParam<std::string> {};

TEST_P(LiftExpert, BothStylesLiftTheCube) {
  Env env(Config(GetParam()));
  for (uint64_t seed : {1, 2}) {
    const ExpertEpisode human = RunExpert(env, seed, MotionStyle::kHumanVideo, false);
    EXPECT_TRUE(human.success) << "human style, seed " << seed;
    const ExpertEpisode teleop = RunExpert(env, seed, MotionStyle::kTeleoperation, false);
    EXPECT_TRUE(teleop.success) << "teleoperation, seed " << seed;
    EXPECT_GT(teleop.steps, 3 * human.steps);
  }
}

INSTANTIATE_TEST_SUITE_P(Registry, LiftExpert, ::testing::ValuesIn(EmbodimentNames()),
                         [](const auto& info) { return info.param; });

TEST(Expert, SameSeedSameActions) {
  Env env(Config("robotiq"));
  const ExpertEpisode a = RunExpert(env, 5, MotionStyle::kTeleoperation, true);
  const ExpertEpisode b = RunExpert(env, 5, MotionStyle::kTeleoperation, true);
  ASSERT_EQ(a.actions.size(), b.actions.size());
  for (size_t i = 0; i < a.actions.size(); ++i) ASSERT_EQ(a.actions[i], b.actions[i]);
  const ExpertEpisode c = RunExpert(env, 6, MotionStyle::kTeleoperation, true);
  EXPECT_NE(a.actions.size() == c.actions.size() && a.actions == c.actions, true);
}

TEST(Expert, MinimumJerkIsSmoothAndMonotone) {
  EXPECT_DOUBLE_EQ(MinimumJerk(0.0), 0.0);
  EXPECT_DOUBLE_EQ(MinimumJerk(1.0), 1.0);
  EXPECT_DOUBLE_EQ(MinimumJerk(0.5), 0.5);
  for (double t = 0.0; t < 1.0; t += 0.01) EXPECT_LE(MinimumJerk(t), MinimumJerk(t + 0.01));
}

}  // namespace
}  // namespace immimic::envs
