#pragma once
// What `immimic bridge` runs on, built from its hardware config: the one factory that the CLI
// and the tests use. Backend sim: MuJoCo plays every device in the policy's scene
// (sim2real/sim_rig.h). Backend devices: the arm link, the end-effector's driver behind its
// HandDevice (sim2real/device_rig.h; a Robotiq is activated, a Dynamixel's torque switched on,
// an Ability hand kept in API mode by its keep-alive thread, an Allegro's position loop started)
// and the V4L2 cameras.
#include <memory>
#include <optional>

#include "envs/env_config.h"
#include "sim2real/devices.h"
#include "sim2real/hardware_config.h"

namespace immimic::sim2real {

class BridgeRig {
 public:
  virtual ~BridgeRig() = default;
  virtual RobotDevices& devices() = 0;
  virtual CameraSource& cameras() = 0;
  // Whether the simulated task is solved; nothing for real devices.
  virtual std::optional<bool> TaskSolved() const = 0;
};

// `policy_env`: the policy's environment (its scene for backend sim, its image size and whether
// it reads images). Throws DeviceError for a device that cannot be opened or does not answer,
// core::ConfigError for an unreadable CURVE key file or a policy that reads images with no
// agentview camera configured.
std::unique_ptr<BridgeRig> MakeBridgeRig(const HardwareConfig& hardware,
                                         const envs::EnvConfig& policy_env);

}  // namespace immimic::sim2real
