// `immimic retarget` and `immimic map` end to end on tiny datasets made by `immimic demos`:
// JSON summaries, the alignment file, determinism, and one clear line with exit code 2 on bad
// flags or inputs.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "tests/cli/cli_runner.h"

namespace {

using immimic::testing::CliRun;
using immimic::testing::ExpectOneLineExitCode2;

std::string TempPath(const std::string& name) {
  return immimic::testing::CliTempPath("mapping_cli", name);
}

CliRun Immimic(const std::string& arguments) { return immimic::testing::RunImmimic(arguments); }

// One test, so the datasets are made once (ctest runs every test in its own process): 2 human
// videos of push and 1 robotiq demo of the default cube task (the shortest scripted episode; map
// only needs the same end-effector), generated side by side.
TEST(MappingCli, RetargetAndMapEndToEnd) {
  const std::string human = TempPath("human.hdf5"), robot = TempPath("robot.hdf5");
  CliRun human_run, robot_run;
  std::thread human_thread([&] {
    human_run = Immimic(
        "demos --task push --embodiment human --episodes 2 --width 32 --height 32 --threads 1 "
        "--out " +
        human);
  });
  robot_run = Immimic(
      "demos --embodiment robotiq --episodes 1 --width 16 --height 16 --threads 1 --out " + robot);
  human_thread.join();
  ASSERT_EQ(human_run.exit_code, 0) << human_run.err;
  ASSERT_EQ(robot_run.exit_code, 0) << robot_run.err;

  // retarget: JSON summary of the dataset
  const std::string retargeted = TempPath("human_robotiq.hdf5");
  const CliRun retarget =
      Immimic("retarget --human " + human + " --embodiment robotiq --out " + retargeted);
  ASSERT_EQ(retarget.exit_code, 0) << retarget.err;
  const auto retarget_summary = nlohmann::json::parse(retarget.out);
  EXPECT_EQ(retarget_summary["out"], retargeted);
  EXPECT_EQ(retarget_summary["embodiment"], "robotiq");
  EXPECT_EQ(retarget_summary["demos"], 2);
  EXPECT_GT(retarget_summary["frames"].get<int>(), 0);
  EXPECT_GT(retarget_summary["detected_frames"].get<int>(), 0);
  // a gripper follows the human pinch almost exactly (docs/mapping.md)
  EXPECT_LT(retarget_summary["residual_mm_mean"].get<double>(), 5.0);

  // map, action mode: summary and alignment file
  const std::string first = TempPath("map_first.json");
  const CliRun map = Immimic("map --human " + retargeted + " --robot " + robot +
                             " --mode action --threads 2 --out " + first);
  ASSERT_EQ(map.exit_code, 0) << map.err;
  const auto summary = nlohmann::json::parse(map.out);
  EXPECT_EQ(summary["mode"], "action");
  EXPECT_EQ(summary["embodiment"], "robotiq");
  EXPECT_EQ(summary["human_demos"], 2);
  EXPECT_EQ(summary["robot_demos"], 1);
  EXPECT_EQ(summary["pairs"], 2);
  const double action_distance = summary["action_distance"].get<double>();
  EXPECT_TRUE(std::isfinite(action_distance) && action_distance > 0.0) << action_distance;
  EXPECT_EQ(summary["mean_step_cost"].get<double>(), action_distance);
  const std::string alignment = immimic::core::ReadFile(first);
  const auto file = nlohmann::json::parse(alignment);
  EXPECT_NE(file.dump().find("robot_frame"), std::string::npos);

  // same inputs, same alignment file, on one thread (retargeting is deterministic too:
  // tests/mapping)
  const std::string second = TempPath("map_second.json");
  ASSERT_EQ(Immimic("map --human " + retargeted + " --robot " + robot +
                    " --mode action --threads 1 --out " + second)
                .exit_code,
            0);
  EXPECT_EQ(immimic::core::ReadFile(second), alignment);

  // inputs of the wrong kind
  const std::string out = TempPath("bad.json");
  ExpectOneLineExitCode2("map --human " + human + " --robot " + robot + " --out " + out,
                         "not retargeted");
  ExpectOneLineExitCode2("map --human " + retargeted + " --robot " + retargeted + " --out " + out,
                         "expected a robot dataset");
  ExpectOneLineExitCode2(
      "retarget --human " + robot + " --embodiment robotiq --out " + TempPath("bad.hdf5"), robot);
}

TEST(MappingCli, BadFlagsGiveOneLineAndExitCode2) {
  const std::string out = TempPath("flags.json"), hdf5 = TempPath("flags.hdf5");
  ExpectOneLineExitCode2("map --human h.hdf5 --out " + out, "--robot is required");
  ExpectOneLineExitCode2("map --human h.hdf5 --robot r.hdf5 --mode bogus --out " + out, "--mode");
  ExpectOneLineExitCode2("map --human /no/such.hdf5 --robot r.hdf5 --out " + out, "no such file");
  ExpectOneLineExitCode2("retarget --human h.hdf5 --out " + hdf5, "--embodiment is required");
  ExpectOneLineExitCode2("retarget --human /no/such.hdf5 --embodiment gripper9000 --out " + hdf5,
                         "gripper9000");
}

}  // namespace
