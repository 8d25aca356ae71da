// The hand devices of sim2real/device_rig.h against the byte-level fakes: the Fin Ray's spacing
// through a Dynamixel servo on a pseudo-terminal (Protocol 2.0), and the Robotiq's aperture
// through Modbus TCP, each mapped from the embodiment's units and back.
#include <gtest/gtest.h>

#include "envs/embodiment_spec.h"
#include "sim2real/device_rig.h"
#include "sim2real/robotiq_modbus_tcp.h"
#include "tests/sim2real/fake_dynamixel.h"
#include "tests/sim2real/fake_robotiq_tcp.h"

namespace immimic::sim2real {
namespace {

TEST(DynamixelHandDevice, MapsTheFinRaySpacingToTicksAndBack) {
  const envs::EmbodimentSpec fin_ray = envs::LoadEmbodimentSpec("fin_ray");
  testing::FakeDynamixel fake(1);
  SerialPort port(fake.slave_path(), 57600);
  DynamixelServo servo(port, 1);
  servo.SetTorque(true);
  // calibration: fully open (0.1 m) at 1000 ticks, closed (0 m) at 3000
  DynamixelHandDevice hand(servo, fin_ray.hand[0], 1000, 3000);
  EXPECT_EQ(hand.ToTicks(0.1), 1000);
  EXPECT_EQ(hand.ToTicks(0.0), 3000);
  EXPECT_EQ(hand.ToTicks(0.05), 2000);
  EXPECT_EQ(hand.ToTicks(-1.0), 3000);  // clamped to the range
  hand.Send(Eigen::VectorXd::Constant(1, 0.025));
  EXPECT_NEAR(hand.Read()[0], 0.025, 1e-4);  // the fake servo reaches its goal at once
  EXPECT_THROW(DynamixelHandDevice(servo, fin_ray.hand[0], 5, 5), core::InputError);
}

TEST(RobotiqHandDevice, MapsTheApertureToPositionsAndBack) {
  const envs::EmbodimentSpec robotiq = envs::LoadEmbodimentSpec("robotiq");
  const envs::HandDimension& dimension = robotiq.hand[0];
  testing::FakeRobotiqTcp fake;
  RobotiqGripper gripper(std::make_unique<RobotiqTcpBus>("127.0.0.1", fake.port()));
  gripper.Activate(1000);
  RobotiqHandDevice hand(gripper, dimension);
  EXPECT_EQ(hand.ToPosition(dimension.open), 0);
  EXPECT_EQ(hand.ToPosition(dimension.closed), 255);
  const double half = 0.5 * (dimension.open + dimension.closed);
  hand.Send(Eigen::VectorXd::Constant(1, half));
  EXPECT_NEAR(hand.Read()[0], half, std::abs(dimension.closed - dimension.open) / 255.0);
}

}  // namespace
}  // namespace immimic::sim2real
