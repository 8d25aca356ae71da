// The immimic executable end to end: output formats and one clear line on bad input.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "tests/cli/cli_runner.h"

namespace {

using immimic::testing::CliRun;

CliRun Immimic(const std::string& arguments) { return immimic::testing::RunImmimic(arguments); }

TEST(Cli, ListPrintsEveryEmbodimentAsJson) {
  const CliRun run = Immimic("list --json");
  ASSERT_EQ(run.exit_code, 0);
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["embodiments"],
            (std::vector<std::string>{"ability", "allegro", "fin_ray", "human", "robotiq"}));
}

TEST(Cli, RenderWritesAPngAndASummary) {
  const std::string png = ::testing::TempDir() + "/cli_render.png";
  const CliRun run = Immimic(
      "render --embodiment ability --camera wrist --width 48 --height 32 "
      "--seed 4 --out " +
      png);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["width"], 48);
  EXPECT_EQ(json["camera"], "wrist");
  EXPECT_EQ(immimic::core::ReadFile(png).substr(1, 3), "PNG");
}

TEST(Cli, BadInputGivesOneClearLineAndNonZeroExit) {
  const std::string dir = ::testing::TempDir();
  {
    std::ofstream bad(dir + "/bad_env.yaml");
    bad << "embodiment: allegro\nimage_widht: 64\n";
  }
  const struct {
    std::string arguments, message;
  } cases[] = {
      {"render --embodiment gripper9000 --out x.png", "unknown embodiment 'gripper9000'"},
      {"render --config " + dir + "/bad_env.yaml --out x.png", "unknown key 'image_widht'"},
      {"render --config /no/such.yaml --out x.png", "no such file"},
      {"render --embodiment human --camera wrist --out x.png", "has no wrist camera"},
      {"render --embodiment robotiq --width 5 --out x.png", "--width"},
      {"render --embodiment robotiq --task juggle --out x.png", "unknown task 'juggle'"},
      {"frobnicate", "unknown command 'frobnicate'"},
  };
  for (const auto& c : cases) {
    const CliRun run = Immimic(c.arguments);
    EXPECT_NE(run.exit_code, 0) << c.arguments;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.arguments << "\n" << run.err;
  }
}

TEST(Cli, BenchReportsTheSideBySideMeasurement) {
  const CliRun run = Immimic("bench --embodiment robotiq --steps 5 --rounds 1");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto row = nlohmann::json::parse(run.out)[0];
  for (const char* key :
       {"raw_mj_steps_per_s", "env_physics_steps_per_s", "overhead_percent", "render_fps"}) {
    EXPECT_TRUE(row.contains(key)) << key;
  }
  EXPECT_GT(row["render_fps"].get<double>(), 0.0);
}

TEST(Cli, DemosThenReplayWithVideo) {
  const std::string dir = ::testing::TempDir();
  const CliRun demos = Immimic(
      "demos --embodiment fin_ray --episodes 1 --seed 2 --width 32 "
      "--height 32 --out " +
      dir + "/cli_demos.hdf5");
  ASSERT_EQ(demos.exit_code, 0) << demos.err;
  const auto summary = nlohmann::json::parse(demos.out);
  EXPECT_EQ(summary["kept"], 1);
  EXPECT_GT(summary["frames"].get<int>(), 0);
  const CliRun replay =
      Immimic("replay " + dir + "/cli_demos.hdf5 --demo 0 --video " + dir + "/cli_replay.mp4");
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  const auto result = nlohmann::json::parse(replay.out)["demos"][0];
  EXPECT_EQ(result["max_state_divergence"].get<double>(), 0.0);
  EXPECT_GT(immimic::core::ReadFile(dir + "/cli_replay.mp4").size(), 1000u);
  const CliRun missing = Immimic("replay " + dir + "/cli_demos.hdf5 --demo 7");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("demo 7 does not exist"), std::string::npos) << missing.err;
}

}  // namespace

namespace immimic::testing {
namespace {

// `immimic metrics` on a minimum-jerk reach (1 s at 100 Hz) gives the reference SPARC of
// tests/benchmarks/metrics_test.cc (the authors' Python code: -1.405829324421).
TEST(CliMetrics, MinimumJerkReachGivesTheReferenceSparc) {
  const std::string path = CliTempPath("metrics", "reach.txt");
  std::ostringstream text;
  text.precision(17);
  text << "# minimum-jerk speed, m/s\n";
  for (int i = 0; i <= 100; ++i) {
    const double s = i / 100.0;
    text << 30 * s * s * (1 - s) * (1 - s) << "\n";
  }
  core::WriteFileAtomically(path, text.str());
  const CliRun run = RunImmimic("metrics --speed " + path + " --rate 100");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["samples"], 101);
  EXPECT_NEAR(json["sparc"].get<double>(), -1.405829324421, 1e-9);
  EXPECT_TRUE(json["ldlj"].is_number());

  core::WriteFileAtomically(path, "0.1\n-0.2\n0.3\n");
  ExpectOneLineExitCode2("metrics --speed " + path + " --rate 100", "reach.txt:2");
  core::WriteFileAtomically(path, "0.1\n0.2\n");
  ExpectOneLineExitCode2("metrics --speed " + path + " --rate 100", "need at least 3");
  ExpectOneLineExitCode2("metrics --speed " + path + ".none --rate 100", "none");
}

}  // namespace
}  // namespace immimic::testing
