// Dynamixel Protocol 2.0 packets against the byte sequences of the protocol's manual (ping,
// read, write and a status packet), byte stuffing, and a stream parser that resynchronises.
#include "sim2real/dynamixel_protocol.h"

#include <gtest/gtest.h>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(DynamixelProtocol, InstructionsMatchTheManualsExamples) {
  EXPECT_EQ(EncodeDynamixelInstruction(1, dynamixel::kPing, {}),
            (Bytes{0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x03, 0x00, 0x01, 0x19, 0x4E}));
  EXPECT_EQ(
      EncodeDynamixelRead(1, dynamixel::kPresentPosition, 4),
      (Bytes{0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x07, 0x00, 0x02, 0x84, 0x00, 0x04, 0x00, 0x1D, 0x15}));
  EXPECT_EQ(EncodeDynamixelWrite(1, dynamixel::kGoalPosition, {0x00, 0x02, 0x00, 0x00}),
            (Bytes{0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x09, 0x00, 0x03, 0x74, 0x00, 0x00, 0x02, 0x00,
                   0x00, 0xCA, 0x89}));
}

TEST(DynamixelProtocol, StatusPacketFromTheManualDecodes) {
  const Bytes status = {0xFF, 0xFF, 0xFD, 0x00, 0x01, 0x08, 0x00, 0x55,
                        0x00, 0xA6, 0x00, 0x00, 0x00, 0x8C, 0xC0};
  const DynamixelPacket packet = DecodeDynamixelPacket(status.data(), status.size());
  EXPECT_EQ(packet.id, 1);
  EXPECT_EQ(packet.instruction, dynamixel::kStatus);
  EXPECT_EQ(packet.error, 0);
  EXPECT_EQ(packet.params, (Bytes{0xA6, 0x00, 0x00, 0x00}));  // present position 166
  EXPECT_EQ(EncodeDynamixelStatus(1, 0, {0xA6, 0, 0, 0}), status);
}

TEST(DynamixelProtocol, HeaderBytesInsideParametersAreStuffed) {
  const Bytes data = {0xFF, 0xFF, 0xFD, 0x01};
  const Bytes packet = EncodeDynamixelWrite(3, 200, data);
  EXPECT_EQ(packet.size(), 4 + 3 + 1 + 2 + 5 + 2u);  // one stuffing byte
  const DynamixelPacket back = DecodeDynamixelPacket(packet.data(), packet.size());
  EXPECT_EQ(back.params, (Bytes{200, 0, 0xFF, 0xFF, 0xFD, 0x01}));
}

TEST(DynamixelProtocol, MalformedPacketsAreClearErrors) {
  Bytes packet = EncodeDynamixelStatus(2, 0, {1, 2, 3, 4});
  Bytes corrupt = packet;
  corrupt[9] ^= 0xFF;
  EXPECT_THROW(DecodeDynamixelPacket(corrupt.data(), corrupt.size()), ProtocolError);
  EXPECT_THROW(DecodeDynamixelPacket(packet.data(), 6), ProtocolError);
  Bytes long_length = packet;
  long_length[5] = 0x40;
  EXPECT_THROW(DecodeDynamixelPacket(long_length.data(), long_length.size()), ProtocolError);
  EXPECT_STREQ(DynamixelErrorText(0x83), "CRC error");
}

TEST(DynamixelProtocol, StreamParserSkipsNoiseAndCorruptPacketsAndSplitsJoinedOnes) {
  Bytes a = EncodeDynamixelStatus(1, 0, {10, 0, 0, 0});
  Bytes b = EncodeDynamixelStatus(2, 0, {20, 0, 0, 0});
  Bytes corrupt = EncodeDynamixelStatus(3, 0, {30, 0, 0, 0});
  corrupt[10] ^= 1;
  Bytes stream = {0x00, 0xFF, 0x13};
  for (const Bytes* p : {&a, &corrupt, &b}) stream.insert(stream.end(), p->begin(), p->end());
  DynamixelStreamParser parser;
  std::vector<int> ids;
  for (size_t i = 0; i < stream.size(); i += 5) {  // arrives in pieces
    parser.Feed(stream.data() + i, std::min<size_t>(5, stream.size() - i));
    while (auto packet = parser.Next()) ids.push_back(packet->id);
  }
  EXPECT_EQ(ids, (std::vector<int>{1, 2}));
  EXPECT_GE(parser.dropped(), 1);
}

}  // namespace
}  // namespace immimic::sim2real
