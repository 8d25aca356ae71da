#include "sim2real/device_rig.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/rotation.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {

RobotiqHandDevice::RobotiqHandDevice(RobotiqGripper& gripper, const envs::HandDimension& dimension)
    : gripper_(gripper), open_(dimension.open), closed_(dimension.closed) {}

uint8_t RobotiqHandDevice::ToPosition(double value) const {
  const double fraction = std::clamp((value - open_) / (closed_ - open_), 0.0, 1.0);
  return static_cast<uint8_t>(std::lround(fraction * 255.0));
}

double RobotiqHandDevice::FromPosition(uint8_t position) const {
  return open_ + (closed_ - open_) * position / 255.0;
}

Eigen::VectorXd RobotiqHandDevice::Read() {
  return Eigen::VectorXd::Constant(1, FromPosition(gripper_.Status().position));
}

void RobotiqHandDevice::Send(const Eigen::VectorXd& hand) { gripper_.Move(ToPosition(hand[0])); }

DynamixelHandDevice::DynamixelHandDevice(DynamixelServo& servo,
                                         const envs::HandDimension& dimension, int32_t open_ticks,
                                         int32_t closed_ticks)
    : servo_(servo),
      open_(dimension.open),
      closed_(dimension.closed),
      open_ticks_(open_ticks),
      closed_ticks_(closed_ticks) {
  IMMIMIC_THROW_UNLESS(open_ticks != closed_ticks && open_ != closed_, core::InputError,
                       "dynamixel hand: open and closed must differ");
}

int32_t DynamixelHandDevice::ToTicks(double value) const {
  const double fraction = std::clamp((value - open_) / (closed_ - open_), 0.0, 1.0);
  return static_cast<int32_t>(std::lround(open_ticks_ + fraction * (closed_ticks_ - open_ticks_)));
}

double DynamixelHandDevice::FromTicks(int32_t ticks) const {
  const double fraction = static_cast<double>(ticks - open_ticks_) / (closed_ticks_ - open_ticks_);
  return open_ + fraction * (closed_ - open_);
}

Eigen::VectorXd DynamixelHandDevice::Read() {
  return Eigen::VectorXd::Constant(1, FromTicks(servo_.PresentPosition()));
}

void DynamixelHandDevice::Send(const Eigen::VectorXd& hand) {
  servo_.SetGoalPosition(ToTicks(hand[0]));
}

AbilityHandDevice::AbilityHandDevice(AbilityHand& hand,
                                     const std::vector<envs::HandDimension>& dimensions)
    : hand_(hand), dimensions_(dimensions) {
  IMMIMIC_THROW_UNLESS(dimensions.size() == 6, core::InputError,
                       "ability hand: the embodiment has ", dimensions.size(),
                       " hand dimensions, the hand six joints");
}

std::array<double, 6> AbilityHandDevice::ToDegrees(const Eigen::VectorXd& radians) const {
  IMMIMIC_THROW_UNLESS(radians.size() == 6, core::InputError, "ability hand: ", radians.size(),
                       " values, expected 6");
  std::array<double, 6> degrees{};
  for (int i = 0; i < 6; ++i) {
    const double r = std::clamp(radians[i], dimensions_[i].low, dimensions_[i].high);
    degrees[i] = r * 180.0 / M_PI;
  }
  return degrees;
}

Eigen::VectorXd AbilityHandDevice::FromUnits(const std::array<int16_t, 6>& units) const {
  Eigen::VectorXd radians(6);
  for (int i = 0; i < 6; ++i) radians[i] = AbilityDegrees(units[i]) * M_PI / 180.0;
  return radians;
}

Eigen::VectorXd AbilityHandDevice::Read() {
  const std::array<int16_t, 6> units = fresh_ ? *fresh_ : hand_.ReadOnly().positions;
  fresh_.reset();
  return FromUnits(units);
}

void AbilityHandDevice::Send(const Eigen::VectorXd& hand) {
  fresh_ = hand_.SetPositions(ToDegrees(hand)).positions;
}

DeviceState DeviceRig::Read(double now) {
  try {
    ArmState arm = fresh_ ? *fresh_ : arm_.Exchange(ArmCommand{});  // default: a hold command
    fresh_.reset();
    if (arm.fault || arm.estop) {
      throw DeviceError(std::string("arm controller reports ") +
                        (arm.estop ? "its e-stop" : "a fault"));
    }
    DeviceState state;
    state.stamp = now;
    state.measured.tcp_position = arm.position;
    state.measured.tcp_orientation =
        Eigen::Quaterniond(arm.quaternion_wxyz[0], arm.quaternion_wxyz[1], arm.quaternion_wxyz[2],
                           arm.quaternion_wxyz[3]);
    state.measured.hand = hand_.Read();
    return state;
  } catch (const ProtocolError& e) {
    throw DeviceError(e.what());
  }
}

void DeviceRig::Send(const Eigen::VectorXd& command) {
  ArmCommand target;
  target.kind = ArmCommandKind::kPoseTarget;
  target.position = command.head<3>();
  const Eigen::Quaterniond q(Eigen::AngleAxisd(core::MatrixFromAxisAngle(command.segment<3>(3))));
  target.quaternion_wxyz = {q.w(), q.x(), q.y(), q.z()};
  try {
    hand_.Send(command.tail(command.size() - 6));  // first: the arm's reply closes the step
    fresh_ = arm_.Exchange(target);
  } catch (const ProtocolError& e) {
    throw DeviceError(e.what());
  }
}

}  // namespace immimic::sim2real
