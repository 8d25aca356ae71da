// Robotiq 2F-85 Modbus RTU frames against the byte sequences of the gripper's manual (its
// activation and close example), and every malformed reply a clear error.
#include "sim2real/robotiq_protocol.h"

#include <gtest/gtest.h>

#include "sim2real/crc.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(RobotiqProtocol, RequestsMatchTheManualsExample) {
  RobotiqCommand reset;  // rACT = 0: the first step of the activation
  reset.speed = reset.force = 0;
  EXPECT_EQ(EncodeRobotiqCommand(reset), (Bytes{0x09, 0x10, 0x03, 0xE8, 0x00, 0x03, 0x06, 0x00,
                                                0x00, 0x00, 0x00, 0x00, 0x00, 0x73, 0x30}));
  RobotiqCommand activate = reset;
  activate.activate = true;
  EXPECT_EQ(EncodeRobotiqCommand(activate), (Bytes{0x09, 0x10, 0x03, 0xE8, 0x00, 0x03, 0x06, 0x01,
                                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x72, 0xE1}));
  RobotiqCommand close;
  close.activate = close.go_to = true;
  close.position = close.speed = close.force = 255;
  EXPECT_EQ(EncodeRobotiqCommand(close), (Bytes{0x09, 0x10, 0x03, 0xE8, 0x00, 0x03, 0x06, 0x09,
                                                0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x42, 0x29}));
  EXPECT_EQ(EncodeRobotiqStatusRequest(), (Bytes{0x09, 0x04, 0x07, 0xD0, 0x00, 0x03, 0xB1, 0xCE}));
}

TEST(RobotiqProtocol, RepliesDecodeAndRoundTrip) {
  const Bytes ack = {0x09, 0x10, 0x03, 0xE8, 0x00, 0x03, 0x01, 0x30};
  EXPECT_NO_THROW(CheckRobotiqCommandReply(ack.data(), ack.size()));
  RobotiqStatus status;
  status.activated = status.going = true;
  status.activation_state = 3;
  status.object = 2;  // contact while closing: an object is held
  status.position_request_echo = 255;
  status.position = 0xBD;
  status.current = 0x06;
  const Bytes reply = EncodeRobotiqStatusReply(status);
  ASSERT_EQ(reply.size(), kRobotiqStatusReplySize);
  EXPECT_EQ(reply[3], 0xB9);  // gOBJ 2, gSTA 3, gGTO, gACT
  const RobotiqStatus back = DecodeRobotiqStatusReply(reply.data(), reply.size());
  EXPECT_TRUE(back.ready() && back.activated && back.going);
  EXPECT_EQ(back.object, 2);
  EXPECT_EQ(back.position, 0xBD);
  EXPECT_EQ(back.current, 0x06);
  RobotiqCommand command;
  command.activate = command.go_to = true;
  command.position = 128;
  const Bytes request = EncodeRobotiqCommand(command);
  const RobotiqCommand decoded = DecodeRobotiqCommandRequest(request.data(), request.size());
  EXPECT_TRUE(decoded.activate && decoded.go_to && !decoded.auto_release);
  EXPECT_EQ(decoded.position, 128);
}

std::string ErrorOf(const Bytes& frame) {
  try {
    DecodeRobotiqStatusReply(frame.data(), frame.size());
    return "";
  } catch (const ProtocolError& error) {
    return error.what();
  }
}

TEST(RobotiqProtocol, MalformedRepliesAreClearErrors) {
  Bytes good = EncodeRobotiqStatusReply({});
  Bytes corrupt = good;
  corrupt[4] ^= 0x10;
  EXPECT_NE(ErrorOf(corrupt).find("bad CRC"), std::string::npos);
  EXPECT_NE(ErrorOf(Bytes(good.begin(), good.begin() + 3)).find("3 bytes"), std::string::npos);
  EXPECT_NE(ErrorOf(EncodeRobotiqStatusReply({}, 7)).find("from slave 7"), std::string::npos);
  // an exception reply: illegal data address
  Bytes exception = {0x09, 0x84, 0x02};
  const uint16_t crc = Crc16Modbus(exception.data(), exception.size());
  exception.push_back(crc & 0xFF);
  exception.push_back(crc >> 8);
  EXPECT_NE(ErrorOf(exception).find("illegal data address"), std::string::npos);
  EXPECT_EQ(RobotiqFaultText(0x07), "activation bit must be set");
  EXPECT_EQ(RobotiqFaultText(0x00), "no fault");
}

}  // namespace
}  // namespace immimic::sim2real
