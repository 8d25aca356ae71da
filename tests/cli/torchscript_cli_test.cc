// `immimic eval --torchscript`: a module written by PyTorch (tests/data/torchscript/
// make_modules.py, run with Debian's python3-torch) is evaluated as a trained run is: its chunk
// moves the arm, its noise repeats from the evaluation seed whatever the thread count, and a
// module that breaks the contract (agents/torchscript_policy.h) is one clear error line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "tests/cli/cli_runner.h"

namespace immimic::testing {
namespace {

class TorchScriptEval : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(CliTempPath("torchscript", "modules"));
    std::filesystem::create_directories(*dir_);
    const CliRun run = RunCommand("/usr/bin/python3 " + std::string(IMMIMIC_SOURCE_DIR) +
                                  "/tests/data/torchscript/make_modules.py " + *dir_);
    made_ = run.exit_code == 0;
    if (!made_) std::cerr << "no TorchScript modules (python3-torch?): " << run.err << "\n";
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    if (!made_) GTEST_SKIP() << "python3-torch could not write the modules";
  }
  static std::string Module(const std::string& name) { return *dir_ + "/" + name + ".pt"; }
  static std::string Eval(const std::string& module, const std::string& extra) {
    return "eval --torchscript " + Module(module) +
           " --task pick_place --embodiment robotiq --episodes 2 --max-steps 12 --seed 5 " +
           "--replan-every 4 --ensemble-decay 0 " + extra;
  }
  static std::string* dir_;
  static bool made_;
};
std::string* TorchScriptEval::dir_ = nullptr;
bool TorchScriptEval::made_ = false;

TEST_F(TorchScriptEval, TheModulesChunkMovesTheArmAlongX) {
  const std::string trace = CliTempPath("torchscript", "trace.csv");
  const CliRun run = RunImmimic(Eval("drift", "--threads 1 --trace " + trace));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["method"], "torchscript");
  EXPECT_EQ(report["episodes"], 2);
  // the TCP x column grows over an episode: the commanded 1 cm per step is followed
  std::istringstream rows(core::ReadFile(trace));
  std::string header, line;
  std::getline(rows, header);
  ASSERT_NE(header.find("tcp_x"), std::string::npos) << header;
  std::vector<double> xs;
  int column = 0;
  {
    std::istringstream names(header);
    std::string name;
    for (int i = 0; std::getline(names, name, ','); ++i) {
      if (name == "tcp_x") column = i;
    }
  }
  while (std::getline(rows, line)) {
    std::istringstream cells(line);
    std::string cell;
    for (int i = 0; std::getline(cells, cell, ','); ++i) {
      if (i == column) xs.push_back(std::stod(cell));
    }
  }
  ASSERT_GE(xs.size(), 12u);
  EXPECT_GT(xs[11] - xs[0], 0.03) << "the arm did not follow the module's chunk";
}

TEST_F(TorchScriptEval, NoiseRepeatsFromTheSeedForAnyThreadCount) {
  const CliRun one = RunImmimic(Eval("noisy", "--threads 1"));
  const CliRun two = RunImmimic(Eval("noisy", "--threads 2"));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  auto a = nlohmann::json::parse(one.out), b = nlohmann::json::parse(two.out);
  EXPECT_EQ(a["per_episode"], b["per_episode"]);
}

TEST_F(TorchScriptEval, BrokenContractsAreOneClearLine) {
  ExpectOneLineExitCode2(Eval("nan", "--threads 1"), "NaN");
  ExpectOneLineExitCode2(Eval("no_horizon", ""), "no 'obs_horizon' attribute");
  ExpectOneLineExitCode2(Eval("wrong_dim", ""), "action_dim is 8 but robotiq takes 7");
  ExpectOneLineExitCode2(Eval("missing", ""), "no such TorchScript file");
  // a file that is not TorchScript
  const std::string junk = *dir_ + "/junk.pt";
  core::WriteFileAtomically(junk, "not a zip archive");
  ExpectOneLineExitCode2("eval --torchscript " + junk + " --task pick_place --embodiment robotiq",
                         "not a TorchScript module");
  ExpectOneLineExitCode2("eval --torchscript " + Module("drift"), "needs --task and --embodiment");
}

}  // namespace
}  // namespace immimic::testing
