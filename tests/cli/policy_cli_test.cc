// `immimic train` and `immimic eval` end to end: one scripted robotiq demo, a tiny network trained
// for one epoch, a short evaluation; JSON outputs, the run folder, and one clear line with exit
// code 2 on bad flags or inputs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "tests/cli/cli_runner.h"

namespace {

using immimic::testing::CliRun;
using immimic::testing::ExpectOneLineExitCode2;
using immimic::testing::RunImmimic;

std::string TempPath(const std::string& name) {
  return immimic::testing::CliTempPath("policy_cli", name);
}

// The numbers of a CSV's first data row (episode 0, step 0).
std::vector<double> SecondLineNumbers(const std::string& csv) {
  std::istringstream lines(csv);
  std::string line;
  std::getline(lines, line);
  std::getline(lines, line);
  std::istringstream cells(line);
  std::vector<double> numbers;
  for (std::string cell; std::getline(cells, cell, ',');) numbers.push_back(std::stod(cell));
  return numbers;
}

// One test, so the demo is generated once (ctest runs every test in its own process).
TEST(PolicyCli, TrainThenEvaluate) {
  const std::string robot = TempPath("robot.hdf5"), run = TempPath("run");
  const std::string policy_yaml = TempPath("policy.yaml"), train_yaml = TempPath("train.yaml");
  std::filesystem::remove_all(run);
  // frame stride 2: the 4-row chunk spans 7 steps, executed interpolated
  std::ofstream(policy_yaml) << "image_size: 16\naction_horizon: 4\nframe_stride: 2\n"
                                "encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}\n"
                                "unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}\n";
  std::ofstream(train_yaml) << "policy: " << policy_yaml
                            << "\nepochs: 1\nbatch_size: 16\nwarmup_steps: 2\nthreads: 1\n";
  const CliRun demos = RunImmimic(
      "demos --embodiment robotiq --episodes 1 --seed 3 --width 32 --height 32 --threads 1 "
      "--out " +
      robot);
  ASSERT_EQ(demos.exit_code, 0) << demos.err;

  const CliRun train = RunImmimic("train --method robot_only --robot " + robot + " --config " +
                                  train_yaml + " --seed 4 --out " + run);
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const auto summary = nlohmann::json::parse(train.out);
  EXPECT_EQ(summary["method"], "robot_only");
  EXPECT_TRUE(std::isfinite(summary["final_loss"].get<double>())) << train.out;
  EXPECT_NE(train.err.find("epoch 1/1"), std::string::npos) << train.err;  // progress
  for (const char* file : {"run.json", "config.yaml", "loss.csv", "policy"}) {
    EXPECT_TRUE(std::filesystem::exists(run + "/" + file)) << file;
  }
  EXPECT_FALSE(std::filesystem::exists(run + ".partial"));

  const std::string eval_args = "eval --run " + run + " --episodes 2 --seed 9 --max-steps 8 ";
  const std::string trace_1 = TempPath("trace_1.csv"), trace_2 = TempPath("trace_2.csv");
  const CliRun eval = RunImmimic(eval_args + "--replan-every 2 --threads 1 --trace " + trace_1);
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto report = nlohmann::json::parse(eval.out);
  EXPECT_EQ(report["episodes"], 2);
  EXPECT_EQ(report["per_episode"].size(), 2u);
  EXPECT_EQ(report["replan_every"], 2);
  EXPECT_EQ(report["per_episode"][0]["length"], 8);
  const double rate = report["success_rate"].get<double>();
  EXPECT_TRUE(rate >= 0.0 && rate <= 1.0);
  // same seed, same rollouts, whatever the thread count
  const CliRun again = RunImmimic(eval_args + "--replan-every 2 --threads 2 --trace " + trace_2);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["per_episode"], report["per_episode"]);
  // the trace: a header and one row per step; every commanded action the same on 2 threads
  const std::string trace = immimic::core::ReadFile(trace_1);
  EXPECT_EQ(std::count(trace.begin(), trace.end(), '\n'), 1 + 2 * 8);
  EXPECT_EQ(trace, immimic::core::ReadFile(trace_2));
  EXPECT_EQ(report["unet"], "eigen");
  // the LibTorch U-Net: the same first commanded actions up to float rounding
  const std::string trace_3 = TempPath("trace_3.csv");
  const CliRun torch_unet =
      RunImmimic(eval_args + "--replan-every 2 --threads 1 --torch-unet --trace " + trace_3);
  ASSERT_EQ(torch_unet.exit_code, 0) << torch_unet.err;
  EXPECT_EQ(nlohmann::json::parse(torch_unet.out)["unet"], "torch");
  const std::vector<double> first = SecondLineNumbers(trace),
                            first_torch = SecondLineNumbers(immimic::core::ReadFile(trace_3));
  ASSERT_EQ(first.size(), first_torch.size());
  ASSERT_GT(first.size(), 5u);
  for (size_t k = 0; k < first.size(); ++k) EXPECT_NEAR(first[k], first_torch[k], 1e-4) << k;

  const CliRun open_loop =
      RunImmimic("eval --run " + run + " --open-loop " + robot + " --demos 1 --stride 50");
  ASSERT_EQ(open_loop.exit_code, 0) << open_loop.err;
  const auto errors = nlohmann::json::parse(open_loop.out);
  EXPECT_GT(errors["checks"].get<int>(), 1);
  EXPECT_EQ(errors["first_action_error"].size(), 7u);  // robotiq: position, axis-angle, grip
  EXPECT_GE(errors["position_error_m"].get<double>(), 0.0);

  EXPECT_EQ(RunImmimic(eval_args + "--replan-every 7 --threads 1").exit_code, 0);
  ExpectOneLineExitCode2(eval_args + "--replan-every 8", "must not exceed the run's action chunk");
  ExpectOneLineExitCode2(eval_args + "--replan-every 0", "--replan-every");
  ExpectOneLineExitCode2("eval --run " + TempPath("no_run") + " --episodes 1", "no_run");
  ExpectOneLineExitCode2(
      "train --method robot_only --robot " + robot + " --config " + train_yaml + " --out " + run,
      "exists");
  ExpectOneLineExitCode2("train --method teleport --robot " + robot + " --out " + TempPath("x"),
                         "teleport");
  ExpectOneLineExitCode2("train --method immimic_a --robot " + robot + " --config " + train_yaml +
                             " --out " + TempPath("y"),
                         "human");
}

}  // namespace
