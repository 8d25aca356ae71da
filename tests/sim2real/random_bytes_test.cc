// Every parser takes arbitrary bytes: random frames (and mutations of valid ones) give a
// ProtocolError or a value, never a crash, a hang or another exception.
#include <gtest/gtest.h>

#include <random>

#include "sim2real/ability_protocol.h"
#include "sim2real/dynamixel_protocol.h"
#include "sim2real/protocol_error.h"
#include "sim2real/robotiq_protocol.h"

namespace immimic::sim2real {
namespace {

using Bytes = std::vector<uint8_t>;

// Random bytes, or a valid frame with a few bytes flipped, so that parsing gets past the CRC.
Bytes Draw(std::mt19937& rng, const std::vector<Bytes>& valid) {
  std::uniform_int_distribution<int> byte(0, 255), coin(0, 1);
  Bytes out;
  if (coin(rng)) {
    out.resize(std::uniform_int_distribution<size_t>(0, 40)(rng));
    for (uint8_t& b : out) b = static_cast<uint8_t>(byte(rng));
  } else {
    out = valid[std::uniform_int_distribution<size_t>(0, valid.size() - 1)(rng)];
    const int flips = std::uniform_int_distribution<int>(0, 3)(rng);
    for (int i = 0; i < flips && !out.empty(); ++i) {
      out[std::uniform_int_distribution<size_t>(0, out.size() - 1)(rng)] ^=
          static_cast<uint8_t>(1 << std::uniform_int_distribution<int>(0, 7)(rng));
    }
  }
  return out;
}

template <typename Parse>
void NeverCrashes(const std::vector<Bytes>& valid, const Parse& parse) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const Bytes frame = Draw(rng, valid);
    try {
      parse(frame);
    } catch (const ProtocolError&) {
    }
  }
}

TEST(RandomBytes, RobotiqReplies) {
  NeverCrashes({EncodeRobotiqStatusReply({}), EncodeRobotiqCommand({})}, [](const Bytes& f) {
    DecodeRobotiqStatusReply(f.data(), f.size());
    CheckRobotiqCommandReply(f.data(), f.size());
    DecodeRobotiqCommandRequest(f.data(), f.size());
  });
}

TEST(RandomBytes, DynamixelPacketsAndStreams) {
  DynamixelStreamParser stream;
  NeverCrashes({EncodeDynamixelStatus(1, 0, {1, 2, 3, 4}), EncodeDynamixelRead(2, 132, 4)},
               [&](const Bytes& f) {
                 stream.Feed(f.data(), f.size());
                 while (stream.Next()) {
                 }
                 DecodeDynamixelPacket(f.data(), f.size());
               });
}

TEST(RandomBytes, AbilityFrames) {
  PppDeframer deframer;
  NeverCrashes({EncodeAbilityPositionCommand({1, 2, 3, 4, 5, 6})}, [&](const Bytes& f) {
    for (uint8_t byte : f) {
      if (auto frame = deframer.Feed(byte)) AbilityValues(DecodeAbilityFrame(*frame));
    }
  });
}

TEST(RandomBytes, AbilityReplies) {
  PppDeframer deframer;
  AbilityReply reply;
  reply.variant = 2;
  NeverCrashes({EncodeAbilityReply(reply, 0x10)}, [&](const Bytes& f) {
    for (uint8_t byte : f) {
      if (auto frame = deframer.Feed(byte)) DecodeAbilityReply(*frame);
    }
  });
}

}  // namespace
}  // namespace immimic::sim2real
