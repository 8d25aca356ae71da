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

}  // namespace immimic::sim2real
