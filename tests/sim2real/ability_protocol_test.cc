// The Ability hand's frames: units, checksum, PPP stuffing of the delimiter and escape bytes, and
// a deframer that survives noise.
#include "sim2real/ability_protocol.h"

#include <gtest/gtest.h>

#include <cmath>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(AbilityProtocol, PositionUnitsAreDegreesTimes32767Over150) {
  EXPECT_EQ(AbilityPositionUnits(150.0), 32767);
  EXPECT_EQ(AbilityPositionUnits(30.0), 6553);  // 30 * 218.45 = 6553.4
  EXPECT_EQ(AbilityPositionUnits(-1e9), -32768);
  EXPECT_NEAR(AbilityDegrees(AbilityPositionUnits(42.0)), 42.0, 0.005);
}

TEST(AbilityProtocol, CommandFrameHasAddressHeaderValuesAndChecksum) {
  const Bytes wire = EncodeAbilityPositionCommand({30, 30, 30, 30, 30, -30}, 1);
  PppDeframer deframer;
  std::optional<Bytes> frame;
  for (uint8_t byte : wire) {
    if (auto done = deframer.Feed(byte)) frame = done;
  }
  ASSERT_TRUE(frame.has_value());
  ASSERT_EQ(frame->size(), 2 + 12 + 1u);
  EXPECT_EQ((*frame)[0], kAbilityAddress);
  EXPECT_EQ((*frame)[1], 0x11);
  unsigned sum = 0;
  for (uint8_t byte : *frame) sum += byte;
  EXPECT_EQ(sum & 0xFF, 0u);  // the checksum makes the byte sum 0 mod 256
  const AbilityFrame decoded = DecodeAbilityFrame(*frame);
  EXPECT_EQ(AbilityValues(decoded)[0], 6553);
  EXPECT_EQ(AbilityValues(decoded)[5], -6553);
  EXPECT_THROW(EncodeAbilityPositionCommand({0, 0, 0, 0, 0, 0}, 3), ProtocolError);
  EXPECT_THROW(EncodeAbilityPositionCommand({0, 0, 0, std::nan(""), 0, 0}), ProtocolError);
}

TEST(AbilityProtocol, DelimiterAndEscapeBytesAreStuffed) {
  EXPECT_EQ(PppStuff({0x50, 0x7E, 0x7D, 0x01}),
            (Bytes{0x7E, 0x50, 0x7D, 0x5E, 0x7D, 0x5D, 0x01, 0x7E}));
  PppDeframer deframer;
  std::vector<Bytes> frames;
  // noise, an empty frame, an aborted frame (escape then delimiter), then a real one
  for (uint8_t byte :
       Bytes{0x7E, 0x7E, 0x33, 0x7D, 0x7E, 0x50, 0x7D, 0x5E, 0x7D, 0x5D, 0x01, 0x7E}) {
    if (auto done = deframer.Feed(byte)) frames.push_back(*done);
  }
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], (Bytes{0x50, 0x7E, 0x7D, 0x01}));
  EXPECT_EQ(deframer.dropped(), 1);
}

TEST(AbilityProtocol, BadFramesAreClearErrors) {
  Bytes frame = {kAbilityAddress, 0xA0, 1, 2};
  frame.push_back(AbilityChecksum(frame.data(), frame.size()));
  EXPECT_NO_THROW(DecodeAbilityFrame(frame));
  Bytes corrupt = frame;
  corrupt[2] ^= 4;
  EXPECT_THROW(DecodeAbilityFrame(corrupt), ProtocolError);
  EXPECT_THROW(DecodeAbilityFrame({0x50, 0x10}), ProtocolError);
  EXPECT_THROW(AbilityValues(DecodeAbilityFrame(frame)), ProtocolError);  // 2 payload bytes
}

TEST(AbilityProtocol, RepliesOfEveryVariantRoundTrip) {
  for (int variant = 0; variant < 3; ++variant) {
    AbilityReply reply;
    reply.variant = variant;
    reply.positions = {6553, 100, -1, 32767, -32768, -6553};
    reply.currents = {1, -2, 3, -4, 5, -6};
    reply.velocities = {7, -8, 9, -10, 11, -12};
    for (int i = 0; i < 30; ++i) reply.touch[i] = static_cast<uint16_t>(i * 137);  // 12 bits
    reply.hot_cold = 3;
    PppDeframer deframer;
    std::optional<Bytes> frame;
    for (uint8_t byte : EncodeAbilityReply(reply, 0x10)) {
      if (auto done = deframer.Feed(byte)) frame = done;
    }
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(frame->size(), AbilityReplySize(variant) + 1);
    EXPECT_EQ((*frame)[0], 0x10 + variant);
    const AbilityReply back = DecodeAbilityReply(*frame);
    EXPECT_EQ(back.variant, variant);
    EXPECT_EQ(back.positions, reply.positions);
    EXPECT_EQ(back.hot_cold, 3);
    if (variant != 1) {
      EXPECT_EQ(back.currents, reply.currents);
    }
    if (variant != 0) {
      EXPECT_EQ(back.velocities, reply.velocities);
    }
    if (variant != 2) {
      EXPECT_EQ(back.touch, reply.touch);
    }
  }
}

TEST(AbilityProtocol, ReplyBytesDecodeByHand) {
  // variant 2: header, (position, current) x 6, velocities x 6, hot/cold, checksum
  Bytes frame = {0x12, 0x99, 0x19, 0x0A, 0x00};  // index at 6553 units (30 degrees), 10 mA units
  frame.resize(38, 0);
  frame[25] = 0xFF;  // index velocity -1
  frame[26] = 0xFF;
  frame[37] = 0x01;  // hot/cold
  frame.push_back(AbilityChecksum(frame.data(), frame.size()));
  const AbilityReply reply = DecodeAbilityReply(frame);
  EXPECT_EQ(reply.positions[0], 6553);
  EXPECT_EQ(reply.currents[0], 10);
  EXPECT_EQ(reply.velocities[0], -1);
  EXPECT_EQ(reply.hot_cold, 1);
  // two touch sensors in three bytes: 0xABC and 0x123 as BC 3A 12
  Bytes touch = {0x10};
  touch.resize(71, 0);
  touch[25] = 0xBC;
  touch[26] = 0x3A;
  touch[27] = 0x12;
  touch.push_back(AbilityChecksum(touch.data(), touch.size()));
  EXPECT_EQ(DecodeAbilityReply(touch).touch[0], 0xABC);
  EXPECT_EQ(DecodeAbilityReply(touch).touch[1], 0x123);
  Bytes bad = frame;
  bad[3] ^= 1;
  EXPECT_THROW(DecodeAbilityReply(bad), ProtocolError);           // checksum
  EXPECT_THROW(DecodeAbilityReply({0x13, 0xED}), ProtocolError);  // no variant 3
  EXPECT_THROW(DecodeAbilityReply(Bytes(frame.begin(), frame.end() - 2)), ProtocolError);  // size
  EXPECT_THROW(DecodeAbilityReply({}), ProtocolError);
  EXPECT_EQ(EncodeAbilityReadOnly(1), (Bytes{0x7E, 0x50, 0xA1, 0x0F, 0x7E}));  // 0x50+0xA1+0x0F
}

}  // namespace
}  // namespace immimic::sim2real
