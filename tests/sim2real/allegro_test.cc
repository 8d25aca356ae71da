// The Allegro hand's CAN protocol (sim2real/allegro_protocol.h) and driver
// (sim2real/allegro_hand.h), run through the CanTransport interface against a fake hand, since
// virtual CAN is unavailable here: identifiers, byte layout, servo, duty in, positions out, and
// silence or a bad reply as clear errors.
#include <gtest/gtest.h>

#include "sim2real/allegro_hand.h"
#include "sim2real/protocol_error.h"
#include "tests/sim2real/fake_allegro.h"
#include "tests/sim2real/pty_pair.h"

namespace immimic::sim2real {
namespace {

TEST(AllegroProtocol, IdentifiersAndBytesAreAsDocumented) {
  const CanFrame torque = EncodeAllegroTorque(2, {1, -2, 300, -32768}, 1);
  EXPECT_EQ(torque.id, (0x62u << 2) | 1);
  EXPECT_FALSE(torque.remote);
  EXPECT_EQ(torque.size, 8);
  const std::array<uint8_t, 8> bytes = {0x01, 0x00, 0xFE, 0xFF, 0x2C, 0x01, 0x00, 0x80};
  EXPECT_EQ(torque.data, bytes);
  const CanFrame request = EncodeAllegroPositionRequest(3);
  EXPECT_EQ(request.id, 0x23u << 2);
  EXPECT_TRUE(request.remote);
  EXPECT_EQ(EncodeAllegroServo(true).id, 0x40u << 2);
  EXPECT_EQ(EncodeAllegroServo(false).id, 0x41u << 2);
  EXPECT_THROW(EncodeAllegroTorque(4, {}), ProtocolError);
}

TEST(AllegroProtocol, PositionRepliesRoundTripAndBadOnesAreRejected) {
  const CanFrame reply = EncodeAllegroPositions(1, {10, -20, 30, -40});
  EXPECT_EQ(DecodeAllegroPositions(reply, 1), (std::array<int16_t, 4>{10, -20, 30, -40}));
  EXPECT_NE(testing::ProtocolErrorOf([&] { DecodeAllegroPositions(reply, 2); }).find("0x84"),
            std::string::npos);
  CanFrame short_reply = reply;
  short_reply.size = 6;
  EXPECT_NE(testing::ProtocolErrorOf([&] {
              DecodeAllegroPositions(short_reply, 1);
            }).find("6 bytes, expected 8"),
            std::string::npos);
}

TEST(AllegroHand, DutyMovesTheJointsOnlyWithTheServoOn) {
  testing::FakeAllegro bus;
  AllegroHand hand(bus);
  std::array<int16_t, 16> duty{};
  for (int i = 0; i < 16; ++i) duty[i] = static_cast<int16_t>(i - 8);
  hand.SendDuty(duty);
  EXPECT_EQ(hand.ReadPositions(), (std::array<int16_t, 16>{}));
  hand.Servo(true);
  hand.SendDuty(duty);
  hand.SendDuty(duty);
  const std::array<int16_t, 16> counts = hand.ReadPositions();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(counts[i], 2 * (i - 8));
}

TEST(AllegroHand, SilenceAndGarbageAreClearErrors) {
  testing::FakeAllegro bus;
  AllegroHand hand(bus, 0, 5);
  bus.silent = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] {
              hand.ReadPositions();
            }).find("finger 0 did not answer within 5 ms"),
            std::string::npos);
  bus.silent = false;
  bus.garbled = true;
  EXPECT_NE(testing::ProtocolErrorOf([&] { hand.ReadPositions(); }).find("3 bytes, expected 8"),
            std::string::npos);
}

TEST(SocketCan, MissingInterfaceIsAClearError) {
  const std::string error = testing::ProtocolErrorOf([] { SocketCan bus("imm_no_can0"); });
  EXPECT_NE(error.find("can imm_no_can0"), std::string::npos) << error;
}

}  // namespace
}  // namespace immimic::sim2real
