// A tiny suite end to end through the CLI: real demos, retargeting, DTW, training and
// evaluation. Reruns reuse every finished stage; 1 or 2 workers and a run killed midway give the
// same results; a failing stage is reported while independent stages finish.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "tests/cli/cli_runner.h"

namespace immimic::suite {
namespace {
namespace fs = std::filesystem;
using testing::RunCommand;
using testing::RunImmimic;

class SuiteRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::CliTempPath("suite_run", "dir");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/policy.yaml")
        << "image_size: 16\nobs_horizon: 2\naction_horizon: 4\n"
           "encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}\n"
           "unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}\n";
    std::ofstream(dir_ + "/train.yaml") << "policy: " << dir_ << "/policy.yaml\nepochs: 1\n"
                                        << "batch_size: 32\nwarmup_steps: 2\nthreads: 1\n"
                                           "robot_time_compression: auto\n";
    WriteSuite("tiny.yaml", 2);
    WriteSuite("bad_replan.yaml", 8);  // more than the 4-step chunk: evaluations fail
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteSuite(const std::string& name, int replan) {
    std::ofstream(dir_ + "/" + name)
        << "name: tiny\ntasks: [push]\nembodiments: [robotiq]\n"
           "methods: [robot_only, immimic_a]\nseeds: [0]\n"
           "data: {robot_demos: 1, human_videos: 2, image_size: 32}\n"
           "train: {config: "
        << dir_ << "/train.yaml}\n"
        << "eval: {episodes: 2, max_steps: 30, replan_every: " << replan << "}\n"
        << "threads_per_job: 1\n";
  }
  testing::CliRun Suite(const std::string& file, const std::string& out, int workers,
                        const std::string& cache = "") {
    return RunImmimic("suite run " + dir_ + "/" + file + " --out " + dir_ + "/" + out +
                      " --workers " + std::to_string(workers) +
                      (cache.empty() ? "" : " --cache " + dir_ + "/" + cache));
  }
  // The figures of a results.json: everything but the timings.
  nlohmann::json Figures(const std::string& out) const {
    auto json = nlohmann::json::parse(core::ReadFile(dir_ + "/" + out + "/results.json"));
    return {{"cells", json.at("cells")}, {"comparisons", json.at("comparisons")}};
  }

  std::string dir_;
};

TEST_F(SuiteRunTest, RerunsReuseWorkersAndKillsDoNotChangeTheResults) {
  const testing::CliRun first = Suite("tiny.yaml", "a", 2);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("report.md"), std::string::npos);
  const nlohmann::json figures = Figures("a");
  ASSERT_EQ(figures.at("cells").size(), 3u);  // expert, robot_only, immimic_a
  EXPECT_EQ(figures.at("cells")[0].at("method"), "expert");
  EXPECT_EQ(figures.at("comparisons").size(), 1u);
  EXPECT_TRUE(fs::exists(dir_ + "/a/report.md") && fs::exists(dir_ + "/a/results.csv"));
  // the paper's published rates of push x Robotiq (configs/paper/table1.yaml) beside ours
  EXPECT_TRUE(figures.at("cells")[0].at("paper_success_rate").is_null());  // the expert
  EXPECT_EQ(figures.at("cells")[1].at("paper_success_rate"), 0.0);         // robot_only
  EXPECT_EQ(figures.at("cells")[2].at("paper_success_rate"), 0.4);         // immimic_a
  EXPECT_NE(core::ReadFile(dir_ + "/a/report.md").find("published success rates"),
            std::string::npos);
  if (RunCommand("/usr/bin/python3 -c 'import matplotlib'").exit_code == 0) {  // the plots
    EXPECT_TRUE(fs::exists(dir_ + "/a/plots/success.png"));
    EXPECT_NE(core::ReadFile(dir_ + "/a/report.md").find("![success](plots/success.png)"),
              std::string::npos);
  }
  // one rollout video per method and cell, copied beside the report
  for (const char* method : {"expert", "robot_only", "immimic_a"}) {
    const fs::path video = dir_ + "/a/videos/push_robotiq_" + method + ".mp4";
    EXPECT_TRUE(fs::exists(video) && fs::file_size(video) > 1000) << video;
  }

  const testing::CliRun again = Suite("tiny.yaml", "a", 2);
  EXPECT_NE(again.err.find("ran 0, reused 9"), std::string::npos) << again.err;
  const testing::CliRun status = RunImmimic("suite status " + dir_ + "/a");
  EXPECT_NE(status.out.find("total 9, done 9"), std::string::npos) << status.out;

  ASSERT_EQ(Suite("tiny.yaml", "b", 1).exit_code, 0);
  EXPECT_EQ(Figures("b"), figures);

  // killed a few seconds in (the stages it started are orphaned), then run again
  RunCommand("timeout -s KILL 3 " + std::string(IMMIMIC_CLI) + " suite run " + dir_ +
             "/tiny.yaml --out " + dir_ + "/c --workers 2");
  const testing::CliRun resumed = Suite("tiny.yaml", "c", 2);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(Figures("c"), figures);
}

TEST_F(SuiteRunTest, UnderMpirunRankZeroSchedulesAndTheFiguresMatchOneProcess) {
  ASSERT_EQ(Suite("tiny.yaml", "local", 2).exit_code, 0);
  // three ranks on this 2-core machine: rank 0 schedules, ranks 1 and 2 run stages
  const testing::CliRun mpi = RunCommand(
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -n 3 --oversubscribe " +
      std::string(IMMIMIC_CLI) + " suite run " + dir_ + "/tiny.yaml --out " + dir_ + "/mpi");
  ASSERT_EQ(mpi.exit_code, 0) << mpi.err;
  EXPECT_NE(mpi.err.find("2 MPI ranks"), std::string::npos) << mpi.err;
  EXPECT_EQ(Figures("mpi"), Figures("local"));
}

TEST_F(SuiteRunTest, AFailingStageIsReportedAndIndependentStagesFinish) {
  const testing::CliRun run = Suite("bad_replan.yaml", "bad", 2);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("FAILED eval push/robotiq/robot_only/s0"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("log: "), std::string::npos);
  const auto results = nlohmann::json::parse(core::ReadFile(dir_ + "/bad/results.json"));
  ASSERT_EQ(results.at("cells").size(), 1u);  // the expert's evaluation does not depend on them
  EXPECT_EQ(results.at("cells")[0].at("method"), "expert");
  EXPECT_NE(core::ReadFile(dir_ + "/bad/report.md").find("missing"), std::string::npos);
}

// A data sweep end to end: each point is a row with its sizes, robot_only (0 human videos) is
// compared with co_train at each robot demo count, and the plot script draws the scaling curve.
TEST_F(SuiteRunTest, ASweepReportsEveryPointWithItsSizes) {
  std::ofstream(dir_ + "/sweep.yaml")
      << "name: sweep\ntasks: [push]\nembodiments: [robotiq]\nmethods: [robot_only, co_train]\n"
         "seeds: [0]\ndata: {robot_demos: [1, 2], human_videos: [0, 2], image_size: 32}\n"
         "train: {config: "
      << dir_ << "/train.yaml}\n"
      << "eval: {episodes: 2, max_steps: 20, replan_every: 2}\nthreads_per_job: 1\n"
         "expert_row: false\n";
  const testing::CliRun run = Suite("sweep.yaml", "sweep", 2);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto results = nlohmann::json::parse(core::ReadFile(dir_ + "/sweep/results.json"));
  ASSERT_EQ(results.at("cells").size(), 4u);  // (robot_only, co_train) x robot demos 1, 2
  for (const auto& cell : results.at("cells")) {
    EXPECT_EQ(cell.at("human_videos"), cell.at("method") == "robot_only" ? 0 : 2) << cell;
  }
  ASSERT_EQ(results.at("comparisons").size(), 2u);  // one per robot demo count
  EXPECT_NE(core::ReadFile(dir_ + "/sweep/report.md").find("push x robotiq, 2 robot + 2 human"),
            std::string::npos);
  if (RunCommand("/usr/bin/python3 -c 'import matplotlib'").exit_code == 0) {
    const testing::CliRun plot =
        RunCommand(std::string(IMMIMIC_SOURCE_DIR) + "/scripts/plot_suite " + dir_ + "/sweep");
    EXPECT_EQ(plot.exit_code, 0) << plot.err;
    EXPECT_TRUE(fs::exists(dir_ + "/sweep/plots/scaling.png")) << plot.out << plot.err;
  }
}

// An external method (suite/external_method.h): the example behaviour-cloning script trains
// from the suite's files and writes TorchScript, which is evaluated as a built-in method is.
TEST_F(SuiteRunTest, AnExternalMethodIsTrainedByItsCommandAndEvaluated) {
  if (RunCommand("/usr/bin/python3 -c 'import torch, h5py'").exit_code != 0) {
    GTEST_SKIP() << "python3-torch and python3-h5py are needed (scripts/setup)";
  }
  std::ofstream(dir_ + "/external.yaml")
      << "name: external\ntasks: [push]\nembodiments: [robotiq]\nmethods: [robot_only]\n"
         "seeds: [0]\ndata: {robot_demos: 1, human_videos: 2, image_size: 32}\n"
         "train: {config: "
      << dir_ << "/train.yaml}\n"
      << "eval: {episodes: 2, max_steps: 30, replan_every: 2}\nthreads_per_job: 1\n"
         "external_methods:\n  bc:\n    command: /usr/bin/python3 {root}/examples/bc_policy.py "
         "--robot {robot} --human {human} --seed {seed} --threads {threads} --epochs 1 "
         "--image-size 16 --out {out}\n    files: [examples/bc_policy.py]\n";
  const testing::CliRun run = Suite("external.yaml", "ext", 2);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto results = nlohmann::json::parse(core::ReadFile(dir_ + "/ext/results.json"));
  bool found = false;
  for (const auto& cell : results.at("cells")) {
    if (cell.at("method") != "bc") continue;
    found = true;
    EXPECT_EQ(cell.at("episodes"), 2);
  }
  EXPECT_TRUE(found) << results.dump();
  EXPECT_NE(core::ReadFile(dir_ + "/ext/report.md").find("bc"), std::string::npos);
  const testing::CliRun again = Suite("external.yaml", "ext", 2);
  EXPECT_NE(again.err.find("ran 0"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace immimic::suite
