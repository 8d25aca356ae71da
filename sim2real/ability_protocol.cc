#include "sim2real/ability_protocol.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {
constexpr uint8_t kFlag = 0x7E, kEscape = 0x7D, kXor = 0x20;
constexpr double kUnitsPerDegree = 32767.0 / 150.0;
}  // namespace

int16_t AbilityPositionUnits(double degrees) {
  const double units = std::round(degrees * kUnitsPerDegree);
  return static_cast<int16_t>(std::clamp(units, -32768.0, 32767.0));
}

double AbilityDegrees(int16_t units) { return units / kUnitsPerDegree; }

uint8_t AbilityChecksum(const uint8_t* bytes, size_t size) {
  unsigned sum = 0;
  for (size_t i = 0; i < size; ++i) sum += bytes[i];
  return static_cast<uint8_t>(-sum & 0xFF);
}

std::vector<uint8_t> EncodeAbilityPositionCommand(const std::array<double, 6>& degrees,
                                                  int reply_variant) {
  if (reply_variant < 0 || reply_variant > 2) {
    throw ProtocolError("ability: reply variant " + std::to_string(reply_variant) +
                        " is not 0, 1 or 2");
  }
  std::vector<uint8_t> frame = {kAbilityAddress, static_cast<uint8_t>(0x10 + reply_variant)};
  for (double d : degrees) {
    if (!std::isfinite(d)) throw ProtocolError("ability: a position command is NaN or Inf");
    const uint16_t units = static_cast<uint16_t>(AbilityPositionUnits(d));
    frame.push_back(static_cast<uint8_t>(units & 0xFF));
    frame.push_back(static_cast<uint8_t>(units >> 8));
  }
  frame.push_back(AbilityChecksum(frame.data(), frame.size()));
  return PppStuff(frame);
}

std::vector<uint8_t> PppStuff(const std::vector<uint8_t>& frame) {
  std::vector<uint8_t> out = {kFlag};
  for (uint8_t byte : frame) {
    if (byte == kFlag || byte == kEscape) {
      out.push_back(kEscape);
      out.push_back(byte ^ kXor);
    } else {
      out.push_back(byte);
    }
  }
  out.push_back(kFlag);
  return out;
}

std::optional<std::vector<uint8_t>> PppDeframer::Feed(uint8_t byte) {
  if (byte == kFlag) {
    std::optional<std::vector<uint8_t>> done;
    if (escaped_) {
      ++dropped_;
    } else if (!frame_.empty()) {
      done = std::move(frame_);
    }
    frame_.clear();
    escaped_ = false;
    return done;
  }
  if (byte == kEscape) {
    escaped_ = true;
    return std::nullopt;
  }
  frame_.push_back(escaped_ ? byte ^ kXor : byte);
  escaped_ = false;
  return std::nullopt;
}

AbilityFrame DecodeAbilityFrame(const std::vector<uint8_t>& frame) {
  if (frame.size() < 3) {
    throw ProtocolError("ability: " + std::to_string(frame.size()) +
                        " bytes, a frame needs address, header and checksum");
  }
  if (AbilityChecksum(frame.data(), frame.size() - 1) != frame.back()) {
    throw ProtocolError("ability: bad checksum");
  }
  if (frame[0] != kAbilityAddress) {
    throw ProtocolError("ability: from address " + std::to_string(frame[0]) + ", expected 80");
  }
  return {frame[1], std::vector<uint8_t>(frame.begin() + 2, frame.end() - 1)};
}

std::array<int16_t, 6> AbilityValues(const AbilityFrame& frame) {
  if (frame.payload.size() < 12) {
    throw ProtocolError("ability: payload of " + std::to_string(frame.payload.size()) +
                        " bytes, six values need 12");
  }
  std::array<int16_t, 6> values{};
  for (int i = 0; i < 6; ++i) {
    values[i] = static_cast<int16_t>(frame.payload[2 * i] | frame.payload[2 * i + 1] << 8);
  }
  return values;
}

std::vector<uint8_t> EncodeAbilityReadOnly(int reply_variant) {
  if (reply_variant < 0 || reply_variant > 2) {
    throw ProtocolError("ability: reply variant " + std::to_string(reply_variant) +
                        " is not 0, 1 or 2");
  }
  std::vector<uint8_t> frame = {kAbilityAddress, static_cast<uint8_t>(0xA0 + reply_variant)};
  frame.push_back(AbilityChecksum(frame.data(), frame.size()));
  return PppStuff(frame);
}

size_t AbilityReplySize(int variant) {
  constexpr size_t kSizes[] = {71, 71, 38};
  if (variant < 0 || variant > 2) {
    throw ProtocolError("ability: reply variant " + std::to_string(variant) + " is not 0, 1 or 2");
  }
  return kSizes[variant];
}

namespace {

int16_t Int16At(const std::vector<uint8_t>& bytes, size_t at) {
  return static_cast<int16_t>(bytes[at] | bytes[at + 1] << 8);
}

void PushInt16(std::vector<uint8_t>* bytes, int16_t value) {
  const auto v = static_cast<uint16_t>(value);
  bytes->push_back(static_cast<uint8_t>(v & 0xFF));
  bytes->push_back(static_cast<uint8_t>(v >> 8));
}

}  // namespace

AbilityReply DecodeAbilityReply(const std::vector<uint8_t>& frame) {
  if (frame.empty()) throw ProtocolError("ability: an empty reply");
  AbilityReply reply;
  reply.variant = frame[0] & 0x0F;
  if (reply.variant > 2) {
    throw ProtocolError("ability: reply header " + std::to_string(frame[0]) +
                        " names no reply variant");
  }
  const size_t size = AbilityReplySize(reply.variant);
  if (frame.size() != size + 1) {
    throw ProtocolError("ability: reply variant " + std::to_string(reply.variant) + " of " +
                        std::to_string(frame.size()) + " bytes, expected " +
                        std::to_string(size + 1));
  }
  if (AbilityChecksum(frame.data(), size) != frame[size]) {
    throw ProtocolError("ability: bad checksum in a reply");
  }
  // the second value of each pair is the current (variants 0, 2) or the velocity (variant 1)
  auto& paired = reply.variant == 1 ? reply.velocities : reply.currents;
  for (int i = 0; i < 6; ++i) {
    reply.positions[i] = Int16At(frame, 1 + 4 * i);
    paired[i] = Int16At(frame, 3 + 4 * i);
  }
  if (reply.variant == 2) {
    for (int i = 0; i < 6; ++i) reply.velocities[i] = Int16At(frame, 25 + 2 * i);
  } else {
    for (int i = 0; i < 15; ++i) {
      const uint8_t* b = frame.data() + 25 + 3 * i;
      reply.touch[2 * i] = static_cast<uint16_t>(b[0] | (b[1] & 0x0F) << 8);
      reply.touch[2 * i + 1] = static_cast<uint16_t>(b[1] >> 4 | b[2] << 4);
    }
  }
  reply.hot_cold = frame[size - 1];
  return reply;
}

std::vector<uint8_t> EncodeAbilityReply(const AbilityReply& reply, uint8_t mode) {
  AbilityReplySize(reply.variant);  // checks the variant
  std::vector<uint8_t> frame = {static_cast<uint8_t>((mode & 0xF0) | reply.variant)};
  const auto& paired = reply.variant == 1 ? reply.velocities : reply.currents;
  for (int i = 0; i < 6; ++i) {
    PushInt16(&frame, reply.positions[i]);
    PushInt16(&frame, paired[i]);
  }
  if (reply.variant == 2) {
    for (int16_t v : reply.velocities) PushInt16(&frame, v);
  } else {
    for (int i = 0; i < 15; ++i) {
      const uint16_t a = reply.touch[2 * i] & 0x0FFF, b = reply.touch[2 * i + 1] & 0x0FFF;
      frame.push_back(static_cast<uint8_t>(a & 0xFF));
      frame.push_back(static_cast<uint8_t>(a >> 8 | (b & 0x0F) << 4));
      frame.push_back(static_cast<uint8_t>(b >> 4));
    }
  }
  frame.push_back(reply.hot_cold);
  frame.push_back(AbilityChecksum(frame.data(), frame.size()));
  return PppStuff(frame);
}

}  // namespace immimic::sim2real
