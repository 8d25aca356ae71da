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

// A frame from the hand: address, header, payload. Throws ProtocolError for a short frame, a bad
// checksum or another address.
struct AbilityFrame {
  uint8_t header = 0;
  std::vector<uint8_t> payload;
};
AbilityFrame DecodeAbilityFrame(const std::vector<uint8_t>& frame);
// The six int16 little-endian values that open a payload (positions in a position reply).
std::array<int16_t, 6> AbilityValues(const AbilityFrame& frame);

}  // namespace immimic::sim2real
