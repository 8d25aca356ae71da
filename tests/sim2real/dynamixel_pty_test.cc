// The Dynamixel driver against a byte-level fake servo on a pseudo-terminal: the real Protocol
// 2.0 bytes cross a real tty, and corrupt, missing and erroneous replies are clear errors after
// which the link still works.
#include <gtest/gtest.h>

#include "sim2real/dynamixel_servo.h"
#include "sim2real/protocol_error.h"
#include "tests/sim2real/fake_dynamixel.h"

namespace immimic::sim2real {
namespace {

TEST(DynamixelOverPty, PingTorqueGoalAndPresentPosition) {
  testing::FakeDynamixel fake(1);
  SerialPort port(fake.slave_path(), 57600);
  DynamixelServo servo(port, 1);
  servo.Ping();
  servo.SetTorque(true);
  servo.SetGoalPosition(2048);
  EXPECT_EQ(servo.PresentPosition(), 2048);
  servo.SetGoalPosition(100);
  EXPECT_EQ(servo.PresentPosition(), 100);
}

TEST(DynamixelOverPty, FaultsAreClearErrorsAndTheLinkRecovers) {
  testing::FakeDynamixel fake(3);
  SerialPort port(fake.slave_path(), 57600);
  DynamixelServo servo(port, 3, 40);
  fake.corrupt_next = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] {
              servo.Ping();
            }).find("no valid status packet within 40 ms (1 corrupt"),
            std::string::npos);
  servo.Ping();  // the next exchange works
  EXPECT_NE(testing::ProtocolErrorOf([&] { servo.SetGoalPosition(9000); }).find("data range error"),
            std::string::npos);
  fake.silent = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] { servo.PresentPosition(); }).find("within 40 ms"),
            std::string::npos);
  fake.silent = false;
  servo.SetGoalPosition(10);
  EXPECT_EQ(servo.PresentPosition(), 10);
  DynamixelServo other(port, 4, 40);  // nobody answers to id 4
  EXPECT_NE(testing::ProtocolErrorOf([&] { other.Ping(); }).find("dynamixel 4"), std::string::npos);
}

TEST(SerialPort, BadPathsAndRatesAreClearErrors) {
  EXPECT_NE(
      testing::ProtocolErrorOf([] { SerialPort("/nonexistent/tty", 57600); }).find("cannot open"),
      std::string::npos);
  EXPECT_NE(testing::ProtocolErrorOf([] { SerialPort("/dev/null", 57600); }).find("not a terminal"),
            std::string::npos);
  EXPECT_NE(testing::ProtocolErrorOf([] {
              SerialPort("/dev/null", 12345);
            }).find("unsupported baud rate 12345"),
            std::string::npos);
}

}  // namespace
}  // namespace immimic::sim2real
