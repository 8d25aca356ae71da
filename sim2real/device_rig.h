#pragma once
// A rig of real devices as the bridge sees it (sim2real/devices.h): the arm behind the arm link
// (sim2real/arm_link.h) and an end-effector behind a HandDevice. Each Send carries the pose
// target to the arm controller and gets its state back in the same exchange; a Read with no Send
// since the last one (the first step, a dry run) asks for the state with a hold command, which
// keeps the arm where it is.
#include <array>
#include <optional>
#include <vector>

#include "envs/embodiment_spec.h"
#include "sim2real/ability_hand.h"
#include "sim2real/arm_link.h"
#include "sim2real/devices.h"
#include "sim2real/dynamixel_servo.h"
#include "sim2real/robotiq_gripper.h"

namespace immimic::sim2real {

// The end-effector's dimensions in the embodiment's units (configs/embodiments/<name>.yaml).
class HandDevice {
 public:
  virtual ~HandDevice() = default;
  virtual Eigen::VectorXd Read() = 0;                  // throws ProtocolError
  virtual void Send(const Eigen::VectorXd& hand) = 0;  // throws ProtocolError
};

// The Robotiq 2F-85's one dimension: the embodiment's open value is position 0, closed is 255.
class RobotiqHandDevice : public HandDevice {
 public:
  RobotiqHandDevice(RobotiqGripper& gripper, const envs::HandDimension& dimension);
  Eigen::VectorXd Read() override;
  void Send(const Eigen::VectorXd& hand) override;
  uint8_t ToPosition(double value) const;
  double FromPosition(uint8_t position) const;

 private:
  RobotiqGripper& gripper_;
  double open_, closed_;
};

// A gripper on one Dynamixel servo (the Fin Ray's parallel actuator): the embodiment's open and
// closed values map linearly to the calibrated goal positions `open_ticks` and `closed_ticks`.
class DynamixelHandDevice : public HandDevice {
 public:
  DynamixelHandDevice(DynamixelServo& servo, const envs::HandDimension& dimension,
                      int32_t open_ticks, int32_t closed_ticks);
  Eigen::VectorXd Read() override;
  void Send(const Eigen::VectorXd& hand) override;
  int32_t ToTicks(double value) const;
  double FromTicks(int32_t ticks) const;

 private:
  DynamixelServo& servo_;
  double open_, closed_;
  int32_t open_ticks_, closed_ticks_;
};

// The PSYONIC Ability hand: the embodiment's six dimensions (radians; index, middle, ring, pinky,
// thumb flexor, thumb rotator: the hand's own order and signs) are its joints in degrees, clamped
// to the embodiment's limits. Read returns the positions of the last Send's reply if no Read
// took them yet, else asks with a read-only request (a dry run moves nothing).
class AbilityHandDevice : public HandDevice {
 public:
  AbilityHandDevice(AbilityHand& hand, const std::vector<envs::HandDimension>& dimensions);
  Eigen::VectorXd Read() override;
  void Send(const Eigen::VectorXd& hand) override;
  std::array<double, 6> ToDegrees(const Eigen::VectorXd& radians) const;
  Eigen::VectorXd FromUnits(const std::array<int16_t, 6>& units) const;

 private:
  AbilityHand& hand_;
  std::vector<envs::HandDimension> dimensions_;
  std::optional<std::array<int16_t, 6>> fresh_;  // the last Send's reply, not yet read
};

class DeviceRig : public RobotDevices {
 public:
  DeviceRig(ArmLink& arm, HandDevice& hand) : arm_(arm), hand_(hand) {}
  // Protocol errors and timeouts come out as DeviceError, which stops the bridge safely.
  DeviceState Read(double now) override;
  void Send(const Eigen::VectorXd& command) override;

 private:
  ArmLink& arm_;
  HandDevice& hand_;
  std::optional<ArmState> fresh_;  // the state the last Send brought back, not yet read
};

}  // namespace immimic::sim2real
