// The Robotiq driver over Modbus TCP (sim2real/robotiq_modbus_tcp.h, libmodbus) against a fake
// gripper behind a loopback Modbus TCP server: activation, moves and status through real Modbus
// TCP frames; an exception, silence and a refused connection are clear errors.
#include <gtest/gtest.h>

#include "sim2real/protocol_error.h"
#include "sim2real/robotiq_gripper.h"
#include "sim2real/robotiq_modbus_tcp.h"
#include "tests/sim2real/fake_robotiq_tcp.h"
#include "tests/sim2real/pty_pair.h"

namespace immimic::sim2real {
namespace {

TEST(RobotiqOverModbusTcp, ActivatesMovesAndReportsStatus) {
  testing::FakeRobotiqTcp fake;
  RobotiqGripper gripper(std::make_unique<RobotiqTcpBus>("127.0.0.1", fake.port()));
  EXPECT_FALSE(gripper.Status().ready());
  gripper.Activate(1000);
  EXPECT_TRUE(gripper.Status().ready());
  gripper.Move(200, 128, 64);
  const RobotiqStatus status = gripper.Status();
  EXPECT_EQ(status.position_request_echo, 200);
  EXPECT_EQ(status.position, 200);
  EXPECT_EQ(status.object, 3);
}

TEST(RobotiqOverModbusTcp, FaultsAreClearErrors) {
  testing::FakeRobotiqTcp fake;
  RobotiqGripper gripper(std::make_unique<RobotiqTcpBus>("127.0.0.1", fake.port(), 9, 40));
  fake.exception_next = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] { gripper.Move(10); }).find("command write failed"),
            std::string::npos);
  fake.silent = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] { gripper.Status(); }).find("status read failed"),
            std::string::npos);
}

TEST(RobotiqOverModbusTcp, RefusedConnectionNamesTheServer) {
  int port = 0;
  { port = testing::FakeRobotiqTcp().port(); }  // a port nobody listens on now
  const std::string error = testing::ProtocolErrorOf([&] { RobotiqTcpBus bus("127.0.0.1", port); });
  EXPECT_NE(error.find("127.0.0.1:" + std::to_string(port) + ": cannot connect"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace immimic::sim2real
