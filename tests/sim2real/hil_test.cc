// Hardware in the loop: the bridge drives fake devices whose state comes from a MuJoCo
// simulation, through the real protocols: the arm link over loopback ZeroMQ to a fake arm
// controller that steps the physics with each pose target, and the Robotiq over Modbus TCP to a
// fake gripper whose position is the simulated one. The policy replays the scripted expert's
// actions for the scene's seed, and the cube ends on the pad: every command crossed the safety
// filter, the arm link and Modbus, and the state came back the same way.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/rotation.h"
#include "datasets/stream_log.h"
#include "envs/experts/expert.h"
#include "sim2real/bridge.h"
#include "sim2real/device_rig.h"
#include "sim2real/robotiq_modbus_tcp.h"
#include "tests/sim2real/fake_robotiq_tcp.h"

namespace immimic::sim2real {
namespace {

envs::EnvConfig Scene() {
  envs::EnvConfig config;
  config.embodiment = "robotiq";
  config.task = "pick_place";
  config.images = false;  // the replayed policy reads no images
  return config;
}

// The simulated world behind the fakes: one physics step per pose target.
class Plant : public CameraSource {
 public:
  Plant(const envs::EnvConfig& config, uint64_t seed, const RobotiqHandDevice& mapping)
      : env_(config), mapping_(mapping) {
    obs_ = &env_.Reset(seed);
  }

  ArmState OnArmCommand(const ArmCommand& command) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (command.kind == ArmCommandKind::kPoseTarget) {
      Eigen::VectorXd action(7);
      action.head<3>() = command.position;
      const Eigen::Vector4d& q = command.quaternion_wxyz;
      action.segment<3>(3) = core::AxisAngleFromQuat(Eigen::Quaterniond(q[0], q[1], q[2], q[3]));
      action[6] = mapping_.FromPosition(requested_);
      const envs::StepResult& step = env_.Step(action);
      obs_ = &step.obs;
      solved_ = solved_ || step.info.success;
    }
    ArmState state;
    state.position = obs_->proprio.head<3>();
    state.quaternion_wxyz = obs_->proprio.segment<4>(3);
    return state;
  }
  void OnGripperCommand(const RobotiqCommand& command) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (command.go_to) requested_ = command.position;
  }
  uint8_t GripperPosition() {
    std::lock_guard<std::mutex> lock(mutex_);
    return mapping_.ToPosition(obs_->proprio[7]);
  }
  double Grab(double now, envs::Observation*) override { return now; }
  bool solved() {
    std::lock_guard<std::mutex> lock(mutex_);
    return solved_;
  }

 private:
  std::mutex mutex_;
  envs::Env env_;
  const RobotiqHandDevice& mapping_;
  const envs::Observation* obs_ = nullptr;
  uint8_t requested_ = 0;
  bool solved_ = false;
};

class ReplayPolicy : public agents::Policy {
 public:
  explicit ReplayPolicy(std::vector<Eigen::VectorXd> actions) : actions_(std::move(actions)) {}
  void Reset(uint64_t) override { step_ = 0; }
  Eigen::VectorXd Act(const envs::Observation&) override {
    return actions_[std::min(step_++, actions_.size() - 1)];
  }

 private:
  std::vector<Eigen::VectorXd> actions_;
  size_t step_ = 0;
};

class NoStop : public StopInput {
 public:
  std::string Requested() override { return ""; }
};

TEST(HardwareInTheLoop, BridgeCompletesPickPlaceThroughTheProtocols) {
  const uint64_t seed = 5;
  envs::Env expert_env(Scene());
  const envs::ExpertEpisode expert =
      envs::RunExpert(expert_env, seed, envs::MotionStyle::kHumanVideo, true);
  ASSERT_TRUE(expert.success) << "the expert itself fails on this seed";

  const envs::EmbodimentSpec robotiq = envs::LoadEmbodimentSpec("robotiq");
  testing::FakeRobotiqTcp gripper_device;
  RobotiqGripper gripper(std::make_unique<RobotiqTcpBus>("127.0.0.1", gripper_device.port()));
  RobotiqHandDevice hand(gripper, robotiq.hand[0]);
  Plant plant(Scene(), seed, hand);
  gripper_device.on_command = [&](const RobotiqCommand& c) { plant.OnGripperCommand(c); };
  gripper_device.measured_position = [&] { return plant.GripperPosition(); };
  gripper.Activate(1000);

  ArmServerConfig server_config;
  server_config.endpoint = "tcp://127.0.0.1:*";
  ArmServer controller(server_config, [&](const ArmCommand& c) { return plant.OnArmCommand(c); });
  std::atomic<bool> stop{false};
  std::thread controller_thread([&] {
    while (!stop) controller.ServeOne(20);
  });
  ArmLinkConfig link_config;
  link_config.endpoint = controller.endpoint();
  ArmLink arm(link_config);
  DeviceRig rig(arm, hand);

  const HardwareConfig hardware = LoadHardwareConfig("sim_robotiq");
  ReplayPolicy policy(expert.actions);
  NoStop no_stop;
  Bridge bridge(hardware, rig, plant, no_stop, policy);
  BridgeOptions options;
  options.duration = (expert.actions.size() + 10) / hardware.control_hz;
  options.log_path =
      (std::filesystem::temp_directory_path() / ("immimic_hil_" + std::to_string(getpid()) + ".h5"))
          .string();
  const BridgeReport report = bridge.Run(options);
  stop = true;
  controller_thread.join();

  EXPECT_TRUE(report.clean_end) << report.stop_reason;
  EXPECT_GE(report.sent, static_cast<int>(expert.actions.size()) - 5);
  EXPECT_TRUE(plant.solved()) << "the cube did not end on the pad; clamped steps "
                              << report.clamped_steps << ", missed deadlines "
                              << report.missed_deadlines;
  EXPECT_EQ(datasets::ReadStreamLog(options.log_path).columns[0].rows(), report.steps);
}

}  // namespace
}  // namespace immimic::sim2real
