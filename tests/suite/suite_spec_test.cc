// Suite files: every shipped suite loads; bad keys, values and names are clear errors.
#include "suite/suite_spec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"

namespace immimic::suite {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

const char* kMinimal =
    "name: t\ntasks: [push]\nembodiments: [robotiq]\nmethods: [robot_only]\nseeds: [0]\n";

TEST(SuiteSpec, EveryShippedSuiteLoads) {
  const auto names = SuiteNames();
  ASSERT_GE(names.size(), 3u);
  for (const auto& name : names) {
    const SuiteSpec spec = LoadSuiteSpec(name);
    EXPECT_EQ(spec.name, name);
  }
  const SuiteSpec quick = LoadSuiteSpec("quick");
  EXPECT_EQ(quick.methods, (std::vector<std::string>{"robot_only", "co_train", "immimic_a"}));
  EXPECT_TRUE(quick.expert_row);
}

TEST(SuiteSpec, DefaultsFillWhatTheFileLeavesOut) {
  const SuiteSpec spec = LoadSuiteSpec(Write("minimal", kMinimal));
  EXPECT_EQ(spec.data.robot_demos, 5);
  EXPECT_EQ(spec.data.human_videos, 100);
  EXPECT_EQ(spec.eval.episodes, 50);
  EXPECT_EQ(spec.train.config, "default");
}

TEST(SuiteSpec, BadKeysValuesAndNamesAreClearErrors) {
  try {
    LoadSuiteSpec(Write("unknown_key", std::string(kMinimal) + "eval: {episodez: 3}\n"));
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("episodez"), std::string::npos) << e.what();
  }
  try {
    LoadSuiteSpec(Write("unknown_method",
                        "name: t\ntasks: [push]\nembodiments: [robotiq]\n"
                        "methods: [magic]\nseeds: [0]\n"));
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("known: robot_only"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadSuiteSpec(Write("human_cell",
                                   "name: t\ntasks: [push]\nembodiments: [human]\n"
                                   "methods: [robot_only]\nseeds: [0]\n")),
               core::InputError);
  EXPECT_THROW(LoadSuiteSpec(Write("no_seeds",
                                   "name: t\ntasks: [push]\nembodiments: [robotiq]\n"
                                   "methods: [robot_only]\nseeds: []\n")),
               core::ConfigError);
  EXPECT_THROW(
      LoadSuiteSpec(Write("zero_episodes", std::string(kMinimal) + "eval: {episodes: 0}\n")),
      core::ConfigError);
  EXPECT_THROW(LoadSuiteSpec(Write("no_config", std::string(kMinimal) + "train: {config: nope}\n")),
               core::ConfigError);
  EXPECT_THROW(LoadSuiteSpec("no_such_suite"), core::InputError);
}

}  // namespace
}  // namespace immimic::suite
