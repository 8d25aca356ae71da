// The Robotiq driver against a byte-level fake gripper on a pseudo-terminal: activation, moves
// and status through real Modbus RTU frames; a corrupt, missing or exception reply and an
// activation that never completes are clear errors.
#include <gtest/gtest.h>

#include <functional>

#include "sim2real/protocol_error.h"
#include "sim2real/robotiq_gripper.h"
#include "tests/sim2real/fake_robotiq.h"

namespace immimic::sim2real {
namespace {

TEST(RobotiqOverPty, ActivatesMovesAndReportsStatus) {
  testing::FakeRobotiq fake;
  SerialPort port(fake.slave_path(), 115200);
  RobotiqGripper gripper(port);
  EXPECT_FALSE(gripper.Status().ready());
  gripper.Activate(1000);
  EXPECT_TRUE(gripper.Status().ready());
  gripper.Move(200, 128, 64);
  const RobotiqStatus status = gripper.Status();
  EXPECT_EQ(status.position_request_echo, 200);
  EXPECT_EQ(status.position, 200);
  EXPECT_EQ(status.object, 3);
}

TEST(RobotiqOverPty, FaultsAreClearErrorsAndTheLinkRecovers) {
  testing::FakeRobotiq fake;
  SerialPort port(fake.slave_path(), 115200);
  RobotiqGripper gripper(port, kRobotiqSlave, 40);
  fake.corrupt_next = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] { gripper.Status(); }).find("bad CRC"), std::string::npos);
  fake.exception_next = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] { gripper.Move(10); }).find("illegal data address"),
            std::string::npos);
  fake.silent = true;
  EXPECT_NE(
      testing::ProtocolErrorOf([&] { gripper.Status(); }).find("0 of 11 reply bytes within 40 ms"),
      std::string::npos);
  fake.silent = false;
  fake.activation_polls = 1000000;
  EXPECT_NE(
      testing::ProtocolErrorOf([&] { gripper.Activate(100); }).find("not activated within 100 ms"),
      std::string::npos);
}

}  // namespace
}  // namespace immimic::sim2real
