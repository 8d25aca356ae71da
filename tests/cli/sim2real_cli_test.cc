// `immimic export` and `immimic bridge` end to end on a tiny trained run: the validation gate
// (refusal below the threshold, with the report saved and no bundle), the bundle, a bridge run
// on the simulated rig with its HDF5 log, and the refusals of a changed bundle and of hardware
// for another embodiment.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "tests/cli/cli_runner.h"

namespace {

using immimic::testing::CliRun;
using immimic::testing::ExpectOneLineExitCode2;
using immimic::testing::RunImmimic;
namespace fs = std::filesystem;

std::string TempPath(const std::string& name) {
  return immimic::testing::CliTempPath("sim2real_cli", name);
}

// One test, so the run is trained once (ctest runs every test in its own process).
TEST(Sim2RealCli, ExportThenBridge) {
  const std::string robot = TempPath("robot.hdf5"), run = TempPath("run");
  const std::string policy_yaml = TempPath("policy.yaml"), train_yaml = TempPath("train.yaml");
  fs::remove_all(run);
  std::ofstream(policy_yaml) << "image_size: 16\naction_horizon: 4\n"
                                "encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}\n"
                                "unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}\n";
  std::ofstream(train_yaml) << "policy: " << policy_yaml
                            << "\nepochs: 1\nbatch_size: 16\nwarmup_steps: 2\nthreads: 1\n";
  ASSERT_EQ(RunImmimic("demos --task pick_place --embodiment robotiq --episodes 1 --seed 3 "
                       "--width 32 --height 32 --threads 1 --out " +
                       robot)
                .exit_code,
            0);
  ASSERT_EQ(RunImmimic("train --method robot_only --robot " + robot + " --config " + train_yaml +
                       " --seed 4 --out " + run)
                .exit_code,
            0);

  // an untrained policy does not place the cube: the gate refuses
  const std::string bundle = TempPath("bundle");
  const std::string common = "export --run " + run + " --out " + bundle +
                             " --episodes 2 --max-steps 20 --threads 2 --replan-every 2 ";
  const CliRun refused = RunImmimic(common + "--min-success 0.5");
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("export refused: success 0/2"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(bundle));
  const auto report = nlohmann::json::parse(immimic::core::ReadFile(bundle + ".validation.json"));
  EXPECT_EQ(report["passed"], false);
  EXPECT_EQ(report["randomization"], "default");

  const CliRun exported = RunImmimic(common + "--min-success 0");
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  for (const char* file : {"manifest.json", "run/run.json", "run/config.yaml", "embodiment.yaml",
                           "randomization.yaml", "validation.json", "action_layout.json"}) {
    EXPECT_TRUE(fs::exists(bundle + "/" + file)) << file;
  }

  const std::string log = TempPath("bridge.h5");
  const CliRun bridged =
      RunImmimic("bridge --bundle " + bundle + " --hardware sim_robotiq --duration 1 --log " + log);
  ASSERT_EQ(bridged.exit_code, 0) << bridged.err;
  const auto result = nlohmann::json::parse(bridged.out);
  EXPECT_EQ(result["stop_reason"], "duration reached");
  EXPECT_GT(result["steps"].get<int>(), 10);
  EXPECT_TRUE(fs::exists(log));

  ExpectOneLineExitCode2("bridge --bundle " + bundle + " --hardware sim_allegro --duration 1",
                         "made for the robotiq, but the hardware is the allegro");
  ExpectOneLineExitCode2("bridge --bundle " + bundle + " --hardware no_such_rig --duration 1",
                         "no_such_rig");
  std::ofstream(bundle + "/run/config.yaml", std::ios::app) << "# edited\n";
  ExpectOneLineExitCode2("bridge --bundle " + bundle + " --hardware sim_robotiq --duration 1",
                         "SHA-256 of run/config.yaml does not match");
}

}  // namespace
