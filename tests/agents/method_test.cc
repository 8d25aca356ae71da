#include "agents/method.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <fstream>

#include "core/error.h"

namespace immimic::agents {
namespace {

int Count(const std::vector<StepKind>& steps, StepKind kind) {
  return static_cast<int>(std::count(steps.begin(), steps.end(), kind));
}

TEST(Method, EveryRegisteredMethodLoadsItsYaml) {
  for (const auto& name : MethodNames()) {
    auto method = MakeMethod(name);
    EXPECT_EQ(method->name(), name);
    EXPECT_FALSE(method->ResolvedYaml().empty());
  }
}

TEST(Method, UnknownNameListsTheKnownOnes) {
  try {
    MakeMethod("dagger");
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("immimic_a"), std::string::npos) << e.what();
  }
}

TEST(Method, UnknownKeyInItsYamlIsAnError) {
  const std::string path = "/tmp/immimic_method_" + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << "description: x\nmixup: {kind: linear}\nmixup_wieght: 2\n";
  EXPECT_THROW(MakeMethod("immimic_a", path), core::ConfigError);
  std::remove(path.c_str());
}

TEST(Method, DataNeedsMatchThePaper) {
  EXPECT_FALSE(MakeMethod("robot_only")->uses_human());
  for (const char* name :
       {"fine_tune", "co_train", "random_map", "immimic_v", "immimic_a", "human_only"}) {
    EXPECT_TRUE(MakeMethod(name)->uses_human()) << name;
    EXPECT_EQ(MakeMethod(name)->trains_on_robot_data(), std::string(name) != "human_only");
  }
  EXPECT_EQ(MakeMethod("immimic_a")->alignment_mode(), "action");
  EXPECT_EQ(MakeMethod("immimic_v")->alignment_mode(), "visual");
  EXPECT_EQ(MakeMethod("random_map")->alignment_mode(), "");
  EXPECT_EQ(MakeMethod("random_map")->pairing(), Pairing::kRandom);
  EXPECT_EQ(MakeMethod("immimic_a")->pairing(), Pairing::kAligned);
}

TEST(Method, SchedulesAlternateAndSwitch) {
  const int r = 7;
  const auto robot_only = MakeMethod("robot_only")->EpochSteps(0, 10, r);
  EXPECT_EQ(Count(robot_only, StepKind::kRobot), r);
  EXPECT_EQ(robot_only.size(), 7u);

  const auto co = MakeMethod("co_train")->EpochSteps(3, 10, r);
  ASSERT_EQ(co.size(), 14u);
  for (size_t i = 0; i < co.size(); ++i) {
    EXPECT_EQ(co[i], i % 2 == 0 ? StepKind::kRobot : StepKind::kHuman) << i;
  }
  const auto mixed = MakeMethod("immimic_a")->EpochSteps(3, 10, r);
  EXPECT_EQ(Count(mixed, StepKind::kMixed), r);
  EXPECT_EQ(Count(mixed, StepKind::kRobot), r);

  // fine_tune (human_fraction 0.5): epochs 0-4 human only, 5-9 robot only
  auto fine_tune = MakeMethod("fine_tune");
  EXPECT_EQ(Count(fine_tune->EpochSteps(4, 10, r), StepKind::kHuman), 2 * r);
  EXPECT_EQ(Count(fine_tune->EpochSteps(5, 10, r), StepKind::kRobot), 2 * r);

  // human_only: as many steps as co-training, all human
  EXPECT_EQ(Count(MakeMethod("human_only")->EpochSteps(2, 10, r), StepKind::kHuman), 2 * r);
}

TEST(Method, LinearAlphaFollowsThePaperSchedule) {
  auto method = MakeMethod("immimic_a");
  core::Rng rng(1);
  // a = max(0, 1 - epoch / E), E = epochs - 1 (horizon 1.0, ends_on_robot): the release's 301
  // epochs of E = 300 end on a = 0
  EXPECT_DOUBLE_EQ(method->MixAlpha(0, 301, rng), 1.0);
  EXPECT_DOUBLE_EQ(method->MixAlpha(150, 301, rng), 0.5);
  EXPECT_DOUBLE_EQ(method->MixAlpha(300, 301, rng), 0.0);
  EXPECT_DOUBLE_EQ(method->MixAlpha(0, 1, rng), 1.0);  // one epoch: only the first
  MixupSchedule half;
  half.horizon = 0.5;
  EXPECT_DOUBLE_EQ(half.Alpha(100, 301, rng), 1.0 - 100.0 / 150.0);
  EXPECT_DOUBLE_EQ(half.Alpha(200, 301, rng), 0.0);
  // ends_on_robot false: E = epochs, the last epoch still mixes at 1 / epochs
  MixupSchedule open_end;
  open_end.ends_on_robot = false;
  EXPECT_DOUBLE_EQ(open_end.Alpha(150, 300, rng), 0.5);
  EXPECT_NEAR(open_end.Alpha(299, 300, rng), 1.0 / 300, 1e-12);
}

TEST(Method, BetaAlphaHasTheBetaMean) {
  MixupSchedule beta;
  beta.kind = "beta";
  for (double a : {0.4, 2.0}) {
    beta.beta_a = a;
    core::Rng rng(7);
    double sum = 0, sum_sq = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const double x = beta.Alpha(0, 10, rng);
      ASSERT_GE(x, 0.0);
      ASSERT_LE(x, 1.0);
      sum += x;
      sum_sq += x * x;
    }
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1))
    EXPECT_NEAR(mean, 0.5, 0.01) << a;
    EXPECT_NEAR(var, 1.0 / (4.0 * (2.0 * a + 1.0)), 0.005) << a;
  }
}

}  // namespace
}  // namespace immimic::agents
