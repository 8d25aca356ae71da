// Suite files: every shipped suite loads; bad keys, values and names are clear errors.
#include "suite/suite_spec.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "core/paths.h"

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
  // the external-method example of docs/external_methods.md
  const SuiteSpec example = LoadSuiteSpec(core::ProjectRoot() + "/examples/bc_suite.yaml");
  ASSERT_EQ(example.external_methods.size(), 1u);
  EXPECT_EQ(example.external_methods[0].name, "bc");
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

TEST(SuiteSpec, TheOracleRowIsOptionalAndChecked) {
  EXPECT_EQ(LoadSuiteSpec(Write("no_oracle", kMinimal)).oracle.demos, 0);
  const SuiteSpec spec =
      LoadSuiteSpec(Write("oracle", std::string(kMinimal) + "oracle: {demos: 100}\n"));
  EXPECT_EQ(spec.oracle.demos, 100);
  EXPECT_EQ(spec.oracle.seed, 2u);
  EXPECT_NE(SuiteSpecJson(spec), SuiteSpecJson(LoadSuiteSpec(Write("no_oracle", kMinimal))));
  EXPECT_THROW(LoadSuiteSpec(Write("oracle_none", std::string(kMinimal) + "oracle: {seed: 3}\n")),
               core::ConfigError);
  EXPECT_THROW(LoadSuiteSpec(Write("oracle_zero", std::string(kMinimal) + "oracle: {demos: 0}\n")),
               core::ConfigError);
  EXPECT_THROW(
      LoadSuiteSpec(Write("oracle_key", std::string(kMinimal) + "oracle: {demos: 5, style: x}\n")),
      core::ConfigError);
}

TEST(SuiteSpec, MethodVariantsNameARegisteredMethodAndAMethodFile) {
  const SuiteSpec spec = LoadSuiteSpec(
      Write("variant", std::string(kMinimal) +
                           "method_variants: [{name: immimic_a_open_end, method: immimic_a}]\n"));
  ASSERT_EQ(spec.method_variants.size(), 1u);
  EXPECT_EQ(spec.method_variants[0].method, "immimic_a");
  EXPECT_EQ(spec.method_variants[0].config,
            core::ConfigPath("methods/variants/immimic_a_open_end.yaml"));
  EXPECT_NE(SuiteSpecJson(spec), SuiteSpecJson(LoadSuiteSpec(Write("plain", kMinimal))));
  const auto bad = [&](const std::string& name, const std::string& variants) {
    return LoadSuiteSpec(
        Write(name, std::string(kMinimal) + "method_variants: " + variants + "\n"));
  };
  EXPECT_THROW(bad("v_method", "[{name: x, method: magic, config: immimic_a_open_end}]"),
               core::InputError);
  EXPECT_THROW(bad("v_taken", "[{name: co_train, method: immimic_a, config: immimic_a_open_end}]"),
               core::ConfigError);
  EXPECT_THROW(bad("v_file", "[{name: no_such_variant, method: immimic_a}]"), core::ConfigError);
  EXPECT_THROW(bad("v_key", "[{name: immimic_a_open_end, method: immimic_a, colour: red}]"),
               core::ConfigError);
  EXPECT_THROW(bad("v_twice",
                   "[{name: immimic_a_open_end, method: immimic_a}, "
                   "{name: immimic_a_open_end, method: immimic_a}]"),
               core::ConfigError);
}

TEST(SuiteSpec, DataSizesMayBeSweeps) {
  const SuiteSpec spec = LoadSuiteSpec(
      Write("sweep",
            std::string(kMinimal) + "data: {robot_demos: [20, 5, 10], human_videos: [0, 25]}\n"));
  EXPECT_EQ(spec.data.robot_demo_sweep, (std::vector<int>{5, 10, 20}));
  EXPECT_EQ(spec.data.robot_demos, 20);
  EXPECT_EQ(spec.data.human_video_sweep, (std::vector<int>{0, 25}));
  EXPECT_TRUE(spec.data.sweeps());
  EXPECT_FALSE(LoadSuiteSpec(Write("no_sweep", kMinimal)).data.sweeps());
  EXPECT_THROW(
      LoadSuiteSpec(Write("twice", std::string(kMinimal) + "data: {robot_demos: [5, 5]}\n")),
      core::ConfigError);
  EXPECT_THROW(
      LoadSuiteSpec(Write("zero", std::string(kMinimal) + "data: {robot_demos: [0, 5]}\n")),
      core::ConfigError);
}

// The error text of loading `external_methods` + `body`, or "" if it loads.
std::string ExternalError(const std::string& name, const std::string& body) {
  try {
    LoadSuiteSpec(Write(name, std::string(kMinimal) + "external_methods:\n" + body));
    return "";
  } catch (const core::Error& e) {
    return e.what();
  }
}

TEST(SuiteSpec, ExternalMethodsResolveTheirProgramAndCheckTheirVariables) {
  const SuiteSpec spec = LoadSuiteSpec(Write(
      "external", std::string(kMinimal) +
                      "external_methods:\n  bc:\n    command: python3 {root}/examples/bc_policy.py "
                      "--robot {robot} --out {out} --seed {seed}\n"
                      "    files: [examples/bc_policy.py]\n"));
  ASSERT_EQ(spec.external_methods.size(), 1u);
  const ExternalMethod& bc = spec.external_methods[0];
  EXPECT_EQ(bc.name, "bc");
  EXPECT_EQ(bc.command[0].front(), '/') << "the program is found on PATH";
  EXPECT_EQ(ExternalTrainArgs(bc, 4, "push", "robotiq", 1)[3], "{dep:0}/data.hdf5");
  EXPECT_EQ(ExternalTrainArgs(bc, 4, "push", "robotiq", 1).back(), "4");

  EXPECT_NE(ExternalError("variable", "  bc:\n    command: /bin/true {robots}\n")
                .find("unknown variable 'robots' (known: robot, human"),
            std::string::npos);
  EXPECT_NE(ExternalError("map", "  bc:\n    command: /bin/true {map}\n").find("alignment"),
            std::string::npos);
  EXPECT_NE(
      ExternalError("program", "  bc:\n    command: no_such_program_x {out}\n").find("not on PATH"),
      std::string::npos);
  EXPECT_NE(ExternalError("builtin", "  co_train: {command: /bin/true}\n").find("built-in"),
            std::string::npos);
  EXPECT_NE(
      ExternalError("files", "  bc: {command: /bin/true, files: [nope.py]}\n").find("no file"),
      std::string::npos);
  EXPECT_NE(ExternalError("key", "  bc: {command: /bin/true, comand: x}\n").find("comand"),
            std::string::npos);
}

}  // namespace
}  // namespace immimic::suite
