// The interactive viewer, run for real under Xvfb through the CLI: scripted key presses must
// move the target, close the hand and switch cameras, and the screenshot must show the scene.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace {

// Parallel test processes each start their display search at their own number: two
// `xvfb-run -a` started together can otherwise pick the same display.
std::string XvfbRun() { return "xvfb-run -a -n " + std::to_string(100 + getpid() % 800) + " "; }

nlohmann::json RunViewer(const std::string& arguments, const std::string& out) {
  const std::string command =
      XvfbRun() + "-s '-screen 0 1024x768x24' " + IMMIMIC_CLI + " view " + arguments + " > " + out;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return nlohmann::json::parse(immimic::core::ReadFile(out));
}

TEST(Viewer, ScriptedKeysMoveTheTargetCloseTheHandAndSwitchCamera) {
  const std::string dir = ::testing::TempDir();
  const auto summary = RunViewer(
      "--embodiment robotiq --width 320 --height 240 --frames 20 --keys G Tab Up Up PageUp "
      "--screenshot " +
          dir + "/viewer.png",
      dir + "/viewer_" + std::to_string(getpid()) + ".json");
  EXPECT_EQ(summary["frames"], 20);
  EXPECT_EQ(summary["camera"], "agentview");
  const auto& action = summary["action"];
  EXPECT_NEAR(action[0].get<double>(), 0.5 - 0.02, 1e-3);  // home x minus two presses
  EXPECT_NEAR(action[2].get<double>(), 0.95 + 0.01, 1e-3);
  EXPECT_EQ(action[6].get<double>(), 255.0);  // Robotiq fully closed
  // the gripper closed for real: its readout moved most of the way
  EXPECT_GT(summary["proprio"][7].get<double>(), 200.0);
  const std::string png = immimic::core::ReadFile(dir + "/viewer.png");
  EXPECT_GT(png.size(), 10000u);
}

TEST(Viewer, UnknownKeyIsAClearError) {
  const std::string dir = ::testing::TempDir();
  const std::string command = XvfbRun() + IMMIMIC_CLI +
                              " view --embodiment human --frames 2 --keys Hyperspace 2> " + dir +
                              "/viewer_err_" + std::to_string(getpid()) + ".txt";
  EXPECT_NE(std::system(command.c_str()), 0);
  EXPECT_NE(immimic::core::ReadFile(dir + "/viewer_err_" + std::to_string(getpid()) + ".txt")
                .find("unknown key 'Hyperspace'"),
            std::string::npos);
}

}  // namespace
