// The report's statistics against hand calculations.
#include "suite/report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/atomic_file.h"
#include "core/error.h"
#include "suite/suite_spec.h"

namespace immimic::suite {
namespace {

TEST(Report, McNemarExactMatchesTheBinomialTail) {
  EXPECT_DOUBLE_EQ(McNemarExactP(0, 0), 1.0);
  EXPECT_NEAR(McNemarExactP(5, 0), 2.0 / 32, 1e-12);        // 2 x (1/2)^5
  EXPECT_NEAR(McNemarExactP(0, 10), 2.0 / 1024, 1e-12);     // 2 x (1/2)^10
  EXPECT_NEAR(McNemarExactP(6, 2), 2.0 * 37 / 256, 1e-12);  // 2 x (1 + 8 + 28) / 2^8
  EXPECT_DOUBLE_EQ(McNemarExactP(3, 3), 1.0);               // capped
}

TEST(Report, WilsonIntervalMatchesTheFormula) {
  const auto [low, high] = WilsonInterval(1, 4);
  EXPECT_NEAR(low, 0.0456, 1e-4);
  EXPECT_NEAR(high, 0.6994, 1e-4);
  const auto [zero_low, zero_high] = WilsonInterval(0, 50);
  EXPECT_DOUBLE_EQ(zero_low, 0.0);
  EXPECT_NEAR(zero_high, 0.0713, 1e-4);
}

// A finished suite's stage outputs, damaged one way at a time: an InputError naming the file, not
// nlohmann's or std::filesystem's exceptions (found by the suite_outputs fuzz target).
TEST(Report, DamagedStageOutputsAreInputErrors) {
  namespace fs = std::filesystem;
  const std::string dir = (fs::temp_directory_path() / "immimic_report_test").string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  core::WriteFileAtomically(dir + "/suite.yaml",
                            "name: tiny\ntasks: [push]\nembodiments: [robotiq]\n"
                            "methods: [robot_only]\nseeds: [0]\n");
  const SuiteSpec spec = LoadSuiteSpec(dir + "/suite.yaml");
  const StageGraph graph = BuildStageGraph(spec);
  const std::string cache = dir + "/cache";
  std::string eval_json;
  for (const Stage& stage : graph.stages) {
    const std::string stage_dir = StageDir(cache, stage);
    fs::create_directories(stage_dir);
    core::WriteFileAtomically(stage_dir + "/done.json", R"({"seconds": 1})");
    if (stage.kind == "eval" || stage.kind == "expert_eval") {
      core::WriteFileAtomically(stage_dir + "/eval.json",
                                R"({"successes": 1, "episodes": 2, "per_episode": []})");
    }
    if (stage.kind == "eval") eval_json = stage_dir + "/eval.json";
  }
  ASSERT_FALSE(eval_json.empty());
  CollectResults(spec, graph, cache);  // whole, it reads
  for (const char* bad : {"not json", R"({"episodes": 2})", R"({"successes": "1"})",
                          R"({"successes": 3, "episodes": 2, "per_episode": []})"}) {
    core::WriteFileAtomically(eval_json, bad);
    EXPECT_THROW(CollectResults(spec, graph, cache), core::InputError) << bad;
  }
  EXPECT_THROW(ReadStates(std::string(5000, 'x'), graph), core::InputError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace immimic::suite
