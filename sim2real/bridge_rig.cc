#include "sim2real/bridge_rig.h"

#include <algorithm>
#include <cctype>

#include "core/atomic_file.h"
#include "core/error.h"
#include "envs/embodiment_spec.h"
#include "sim2real/ability_hand.h"
#include "sim2real/allegro_hand_device.h"
#include "sim2real/arm_link.h"
#include "sim2real/device_rig.h"
#include "sim2real/protocol_error.h"
#include "sim2real/robotiq_modbus_tcp.h"
#include "sim2real/serial_port.h"
#include "sim2real/sim_rig.h"
#include "sim2real/v4l2_camera.h"

namespace immimic::sim2real {
namespace {

class SimBridgeRig : public BridgeRig {
 public:
  SimBridgeRig(const envs::EnvConfig& config, uint64_t seed) : rig_(config, seed) {}
  RobotDevices& devices() override { return rig_; }
  CameraSource& cameras() override { return rig_; }
  std::optional<bool> TaskSolved() const override { return rig_.TaskSolved(); }

 private:
  SimRig rig_;
};

std::string ReadKey(const HardwareConfig& h, const std::string& key, const std::string& path) {
  std::string text;
  try {
    text = core::ReadFile(path);
  } catch (const core::Error& e) {
    throw core::ConfigError(h.name + ": devices.arm." + key + ": cannot read " + path + ": " +
                            e.what());
  }
  const auto blank = [](unsigned char c) { return std::isspace(c); };
  text.erase(std::find_if_not(text.rbegin(), text.rend(), blank).base(), text.end());
  text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), blank));
  return text;
}

ArmLinkConfig ArmConfig(const HardwareConfig& h) {
  const ArmLinkSection& s = h.devices.arm;
  ArmLinkConfig c;
  c.endpoint = s.endpoint;
  c.timeout = s.timeout;
  if (!s.server_public_key_file.empty()) {
    c.curve.server_public = ReadKey(h, "curve_server_public_key_file", s.server_public_key_file);
    c.curve.client_public = ReadKey(h, "curve_client_public_key_file", s.client_public_key_file);
    c.curve.client_secret = ReadKey(h, "curve_client_secret_key_file", s.client_secret_key_file);
  }
  try {
    ValidateArmLinkConfig(c);
  } catch (const core::InputError& e) {
    throw core::ConfigError(h.name + ": devices.arm: " + e.what());
  }
  return c;
}

class RealBridgeRig : public BridgeRig {
 public:
  RealBridgeRig(const HardwareConfig& h, const envs::EnvConfig& env)
      : arm_(std::make_unique<ArmLink>(ArmConfig(h))) {
    const HandSection& s = h.devices.hand;
    const std::string at = !s.port.empty() ? s.port : !s.host.empty() ? s.host : s.interface;
    const std::string where = "hand (" + s.type + " at " + at + ")";
    try {
      OpenHand(s, envs::LoadEmbodimentSpec(h.embodiment));
    } catch (const ProtocolError& e) {
      throw DeviceError(where + ": " + e.what());
    }
    rig_ = std::make_unique<DeviceRig>(*arm_, *hand_);
    OpenCameras(h, env);
  }
  RobotDevices& devices() override { return *rig_; }
  CameraSource& cameras() override { return *cameras_; }
  std::optional<bool> TaskSolved() const override { return std::nullopt; }

 private:
  void OpenHand(const HandSection& s, const envs::EmbodimentSpec& embodiment) {
    if (s.type == "allegro") {
      can_ = std::make_unique<SocketCan>(s.interface);
      allegro_ = std::make_unique<AllegroHand>(*can_, static_cast<uint8_t>(s.hand_id));
      AllegroLoopConfig loop;
      loop.kp = s.kp;
      loop.kd = s.kd;
      loop.max_duty = s.max_duty;
      auto device = std::make_unique<AllegroHandDevice>(*allegro_, embodiment.hand, loop);
      device->Start();
      hand_ = std::move(device);
      return;
    }
    if (s.type == "robotiq_tcp") {
      robotiq_ =
          std::make_unique<RobotiqGripper>(std::make_unique<RobotiqTcpBus>(s.host, s.tcp_port));
    } else {
      port_ = std::make_unique<SerialPort>(s.port, s.baud);
    }
    if (s.type == "robotiq_rtu") robotiq_ = std::make_unique<RobotiqGripper>(*port_, s.slave);
    if (robotiq_) {
      robotiq_->Activate();
      hand_ = std::make_unique<RobotiqHandDevice>(*robotiq_, embodiment.hand.at(0));
    } else if (s.type == "dynamixel") {
      dynamixel_ = std::make_unique<DynamixelServo>(*port_, static_cast<uint8_t>(s.id));
      dynamixel_->SetTorque(true);
      hand_ = std::make_unique<DynamixelHandDevice>(*dynamixel_, embodiment.hand.at(0),
                                                    s.open_ticks, s.closed_ticks);
    } else if (s.type == "ability") {
      ability_ = std::make_unique<AbilityHand>(*port_);
      ability_->ReadOnly();  // it answers before the loop starts
      keep_alive_ = std::make_unique<AbilityKeepAlive>(*ability_);
      hand_ = std::make_unique<AbilityHandDevice>(*ability_, embodiment.hand);
    } else {
      throw core::ConfigError("devices.hand.type: " + s.type + " has no driver");
    }
  }

  void OpenCameras(const HardwareConfig& h, const envs::EnvConfig& env) {
    const auto& sections = h.devices.cameras;
    const bool agentview =
        std::any_of(sections.begin(), sections.end(),
                    [](const CameraSection& c) { return c.name == "agentview"; });
    IMMIMIC_THROW_UNLESS(agentview || !env.images, core::ConfigError, h.name,
                         ": devices.cameras: the policy reads images: configure agentview");
    std::vector<V4l2CameraSource::Camera> cameras;
    for (const CameraSection& c : sections) {
      cameras.push_back(
          {c.name, std::make_unique<V4l2Camera>(c.name, c.device, c.width, c.height)});
    }
    cameras_ =
        std::make_unique<V4l2CameraSource>(std::move(cameras), env.image_width, env.image_height);
  }

  // Declared in the order they are made; they are destroyed backwards, so the keep-alive thread
  // and the Allegro's loop thread (inside hand_) stop before the hand they drive, and every driver
  // goes before its port.
  std::unique_ptr<ArmLink> arm_;
  std::unique_ptr<SerialPort> port_;
  std::unique_ptr<SocketCan> can_;
  std::unique_ptr<AllegroHand> allegro_;
  std::unique_ptr<RobotiqGripper> robotiq_;
  std::unique_ptr<DynamixelServo> dynamixel_;
  std::unique_ptr<AbilityHand> ability_;
  std::unique_ptr<AbilityKeepAlive> keep_alive_;
  std::unique_ptr<HandDevice> hand_;
  std::unique_ptr<DeviceRig> rig_;
  std::unique_ptr<V4l2CameraSource> cameras_;
};

}  // namespace

std::unique_ptr<BridgeRig> MakeBridgeRig(const HardwareConfig& hardware,
                                         const envs::EnvConfig& policy_env) {
  if (hardware.backend == "sim") {
    return std::make_unique<SimBridgeRig>(policy_env, hardware.sim_seed);
  }
  return std::make_unique<RealBridgeRig>(hardware, policy_env);
}

}  // namespace immimic::sim2real
