#pragma once
// The PSYONIC Ability hand over UART (460800 baud): a frame is [address 0x50, format header,
// 6 x int16 little-endian, checksum = (-sum of the bytes before it) & 0xFF], sent with PPP byte
// stuffing: 0x7E opens and closes a frame, and 0x7E or 0x7D inside it go as 0x7D, byte ^ 0x20.
// Position commands use headers 0x10-0x12 (the last digit picks the reply variant), in units of
// degrees * 32767 / 150. The hand leaves its API mode 300 ms after the last command.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace immimic::sim2real {

constexpr uint8_t kAbilityAddress = 0x50;
constexpr double kAbilityKeepAliveSeconds = 0.3;

// The six actuated joints in the hand's order (index, middle, ring, pinky, thumb flexor, thumb
// rotator), in degrees; `reply_variant` 0..2.
std::vector<uint8_t> EncodeAbilityPositionCommand(const std::array<double, 6>& degrees,
                                                  int reply_variant = 0);
int16_t AbilityPositionUnits(double degrees);  // clamped to the int16 range
double AbilityDegrees(int16_t units);

uint8_t AbilityChecksum(const uint8_t* bytes, size_t size);

// PPP framing of one frame (checksum included) and its inverse for a byte stream.
std::vector<uint8_t> PppStuff(const std::vector<uint8_t>& frame);
class PppDeframer {
 public:
  // Feeds one byte; returns a whole unstuffed frame when one closes. Empty frames (two
  // delimiters in a row) are skipped; an escape before a delimiter drops the frame.
  std::optional<std::vector<uint8_t>> Feed(uint8_t byte);
  int dropped() const { return dropped_; }

 private:
  std::vector<uint8_t> frame_;
  bool escaped_ = false;
  int dropped_ = 0;
};

// A frame addressed to the hand (what the host sends, as a fake hand reads it): address, header,
// payload. Throws ProtocolError for a short frame, a bad checksum or another address.
struct AbilityFrame {
  uint8_t header = 0;
  std::vector<uint8_t> payload;
};
AbilityFrame DecodeAbilityFrame(const std::vector<uint8_t>& frame);
// The six int16 little-endian values that open a payload (positions in a position reply).
std::array<int16_t, 6> AbilityValues(const AbilityFrame& frame);

// Asks for a reply without moving anything (format header 0xA0 + variant, no payload).
std::vector<uint8_t> EncodeAbilityReadOnly(int reply_variant = 0);

// The hand's reply (layout of PSYONIC's public API wrapper): no address byte; the format header,
// whose low nibble is the reply variant, the data, and the same checksum. Values are int16
// little-endian in the hand's units (positions as in commands).
//   variant 0: 6 x (position, current), 30 touch sensors (12 bits each, two per three bytes:
//              a = b0 | (b1 & 0x0F) << 8, b = b1 >> 4 | b2 << 4), a hot/cold status byte
//   variant 1: as 0 with velocities in place of currents
//   variant 2: 6 x (position, current), 6 velocities, the hot/cold byte
// That is 71, 71 and 38 bytes before the checksum.
struct AbilityReply {
  int variant = 0;
  std::array<int16_t, 6> positions{};
  std::array<int16_t, 6> currents{};    // variants 0 and 2
  std::array<int16_t, 6> velocities{};  // variants 1 and 2
  std::array<uint16_t, 30> touch{};     // variants 0 and 1
  uint8_t hot_cold = 0;
};
size_t AbilityReplySize(int variant);  // without the checksum
// `frame`: one unstuffed frame. Throws ProtocolError for an unknown variant, a size that does not
// match it or a bad checksum.
AbilityReply DecodeAbilityReply(const std::vector<uint8_t>& frame);
// The hand's side (for a fake): the stuffed reply, its header `mode` (the request's high nibble:
// 0x10 position, 0xA0 read-only) plus reply.variant.
std::vector<uint8_t> EncodeAbilityReply(const AbilityReply& reply, uint8_t mode);

}  // namespace immimic::sim2real
