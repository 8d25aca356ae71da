#pragma once
// Dynamixel Protocol 2.0 (the Fin Ray's parallel actuator): packets are
// [FF FF FD 00, id, length (2, LE), instruction, params..., CRC-16 (2, LE)], the length counting
// instruction, params and CRC; inside instruction and params every FF FF FD is stuffed to
// FF FF FD FD. Status packets carry instruction 0x55 and an error byte before their params.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace immimic::sim2real {

namespace dynamixel {
constexpr uint8_t kPing = 0x01, kRead = 0x02, kWrite = 0x03, kStatus = 0x55;
constexpr uint16_t kTorqueEnable = 64, kGoalPosition = 116, kPresentPosition = 132;
}  // namespace dynamixel

struct DynamixelPacket {
  uint8_t id = 0;
  uint8_t instruction = 0;
  uint8_t error = 0;            // status packets only
  std::vector<uint8_t> params;  // unstuffed, after the error byte of a status packet
};

// An instruction packet (stuffed, CRC appended).
std::vector<uint8_t> EncodeDynamixelInstruction(uint8_t id, uint8_t instruction,
                                                const std::vector<uint8_t>& params);
std::vector<uint8_t> EncodeDynamixelWrite(uint8_t id, uint16_t address,
                                          const std::vector<uint8_t>& data);
std::vector<uint8_t> EncodeDynamixelRead(uint8_t id, uint16_t address, uint16_t length);
// A status packet, as a servo (or a fake) sends it.
std::vector<uint8_t> EncodeDynamixelStatus(uint8_t id, uint8_t error,
                                           const std::vector<uint8_t>& params);

// One whole packet. Throws ProtocolError for a bad header, length, CRC or stuffing.
DynamixelPacket DecodeDynamixelPacket(const uint8_t* bytes, size_t size);

// Packets out of a byte stream that may hold noise, partial packets and several packets at once:
// bytes before a header are skipped, and a packet that fails its CRC is dropped and counted.
class DynamixelStreamParser {
 public:
  void Feed(const uint8_t* bytes, size_t size);
  std::optional<DynamixelPacket> Next();
  int dropped() const { return dropped_; }

 private:
  std::vector<uint8_t> buffer_;
  int dropped_ = 0;
};

// The error number in a status packet's error byte (bits 0-6: "result fail", "CRC error", ...);
// bit 7 is the hardware alert flag (read the servo's hardware error status for its cause).
const char* DynamixelErrorText(uint8_t error);

}  // namespace immimic::sim2real
