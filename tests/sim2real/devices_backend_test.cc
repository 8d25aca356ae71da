// The devices backend end to end: a hardware config with `backend: devices` (the shipped
// templates with the fakes' endpoint and port written in), the rig built by MakeBridgeRig as
// `immimic bridge` builds it, and the bridge loop driving the loopback fake arm controller and a
// fake hand through the real protocols for a second, then stopping cleanly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/paths.h"
#include "core/rotation.h"
#include "datasets/stream_log.h"
#include "sim2real/bridge.h"
#include "sim2real/bridge_rig.h"
#include "tests/sim2real/fake_ability.h"
#include "tests/sim2real/fake_arm_controller.h"
#include "tests/sim2real/fake_dynamixel.h"

namespace immimic::sim2real {
namespace {
namespace fs = std::filesystem;

// Moves the TCP to a point inside the workspace and closes the hand linearly over `close_steps`.
class ReachAndClose : public agents::Policy {
 public:
  ReachAndClose(Eigen::VectorXd open, Eigen::VectorXd closed)
      : open_(std::move(open)), closed_(std::move(closed)) {}
  void Reset(uint64_t) override { step_ = 0; }
  Eigen::VectorXd Act(const envs::Observation&) override {
    Eigen::VectorXd a(6 + open_.size());
    a.head<3>() = Eigen::Vector3d(0.5, 0.0, 1.0);
    a.segment<3>(3).setZero();
    const double fraction = std::min(1.0, step_++ / 20.0);
    a.tail(open_.size()) = open_ + fraction * (closed_ - open_);
    return a;
  }

 private:
  Eigen::VectorXd open_, closed_;
  int step_ = 0;
};

class NoStop : public StopInput {
 public:
  std::string Requested() override { return ""; }
};

// A template from configs/hardware/ with the fakes' endpoint and serial port (or `device` in
// place of `template_device`), and no cameras.
HardwareConfig RigFor(const std::string& name, const std::string& endpoint,
                      const std::string& device,
                      const std::string& template_device = "/dev/ttyUSB0") {
  std::string text = core::ReadFile(core::NamedConfigPath("hardware", "hardware", name));
  const auto replace = [&](const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error(name + " has no " + from);
    text.replace(at, from.size(), to);
  };
  replace("tcp://127.0.0.1:5555", endpoint);
  replace(template_device, device);
  text = text.substr(0, text.find("  cameras:")) + "  cameras: {}\n";  // the block ends the file
  const fs::path dir = fs::temp_directory_path() / ("immimic_devices_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".yaml");
  std::ofstream(path) << text;
  return LoadHardwareConfig(path.string());
}

struct BridgeRun {
  BridgeReport report;
  std::string log;
};

BridgeRun RunBridge(const HardwareConfig& hardware) {
  envs::EnvConfig env;
  env.embodiment = hardware.embodiment;
  env.task = "pick_place";
  env.images = false;  // the policy reads none, so no camera is configured
  const envs::EmbodimentSpec embodiment = envs::LoadEmbodimentSpec(hardware.embodiment);
  Eigen::VectorXd open(embodiment.hand.size()), closed(embodiment.hand.size());
  for (size_t i = 0; i < embodiment.hand.size(); ++i) {
    open[i] = embodiment.hand[i].open;
    closed[i] = embodiment.hand[i].closed;
  }
  std::unique_ptr<BridgeRig> rig = MakeBridgeRig(hardware, env);
  EXPECT_FALSE(rig->TaskSolved().has_value());
  ReachAndClose policy(open, closed);
  NoStop no_stop;
  Bridge bridge(hardware, rig->devices(), rig->cameras(), no_stop, policy);
  BridgeOptions options;
  options.duration = 1.0;
  options.log_path = (fs::temp_directory_path() / ("immimic_devices_" + hardware.embodiment + "_" +
                                                   std::to_string(getpid()) + ".h5"))
                         .string();
  return {bridge.Run(options), options.log_path};
}

TEST(DevicesBackend, BridgeDrivesFakeArmAndAbilityHandFromTheConfig) {
  ArmServerConfig server;
  server.endpoint = "tcp://127.0.0.1:*";
  testing::FakeArmController arm(server);
  testing::FakeAbility hand;
  const BridgeRun run = RunBridge(RigFor("real_ability", arm.endpoint(), hand.slave_path()));
  EXPECT_TRUE(run.report.clean_end) << run.report.stop_reason;
  EXPECT_GE(run.report.sent, 25);
  EXPECT_EQ(arm.rejected(), 0);
  EXPECT_GE(hand.commands(), run.report.sent);  // every step's command, and any keep-alive
  EXPECT_EQ(hand.dropouts(), 0);
  // the hand ends closed: the index at 1.2 rad, less what the hand rate limit left
  EXPECT_GT(AbilityDegrees(hand.positions()[0]), 0.9 * 1.2 * 180 / M_PI);
  const datasets::StreamLogContents log = datasets::ReadStreamLog(run.log);
  EXPECT_EQ(log.columns[0].rows(), run.report.steps);
}

TEST(DevicesBackend, BridgeDrivesFakeArmAndFinRayServoFromTheConfig) {
  ArmServerConfig server;
  server.endpoint = "tcp://127.0.0.1:*";
  testing::FakeArmController arm(server);
  testing::FakeDynamixel servo(1);
  const BridgeRun run = RunBridge(RigFor("real_fin_ray", arm.endpoint(), servo.slave_path()));
  EXPECT_TRUE(run.report.clean_end) << run.report.stop_reason;
  EXPECT_GE(run.report.sent, 25);
  EXPECT_EQ(arm.rejected(), 0);
}

TEST(DevicesBackend, AnAbsentHandIsADeviceErrorNamingIt) {
  ArmServerConfig server;
  server.endpoint = "tcp://127.0.0.1:*";
  testing::FakeArmController arm(server);
  try {
    RunBridge(RigFor("real_ability", arm.endpoint(), "/dev/ttyNoSuchHand"));
    FAIL() << "no error for a missing serial port";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("hand (ability at /dev/ttyNoSuchHand)"), std::string::npos)
        << e.what();
  }
  try {
    RunBridge(RigFor("real_allegro", arm.endpoint(), "imm_no_can0", "can0"));
    FAIL() << "no error for a missing CAN interface";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("hand (allegro at imm_no_can0): can imm_no_can0"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace immimic::sim2real
