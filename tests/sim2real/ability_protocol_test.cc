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

}  // namespace
}  // namespace immimic::sim2real
