#pragma once
// The Wonik Allegro hand v4 on CAN (1 Mbit/s, 11-bit identifiers): an identifier is the command
// shifted left by 2 with the hand's id (0..3) in the low bits. Per finger f (0 index, 1 middle,
// 2 ring, 3 thumb): torque command 0x60 + f carrying 4 x int16 little-endian (one per joint, in
// the hand's duty units), joint positions by a remote request 0x20 + f answered by a frame with the
// same identifier carrying 4 x int16 little-endian (position counts); servo on 0x40, off 0x41
// (no data). The hand's control loop runs at about 333 Hz.
#include <array>
#include <cstdint>
#include <optional>

namespace immimic::sim2real {

struct CanFrame {
  uint32_t id = 0;      // 11-bit standard identifier
  bool remote = false;  // remote transmission request: asks the node for this identifier's data
  uint8_t size = 0;     // data length code, 0..8
  std::array<uint8_t, 8> data{};
};

enum class AllegroCommand : uint8_t {
  kPositionRequest = 0x20,  // + finger
  kServoOn = 0x40,
  kServoOff = 0x41,
  kTorque = 0x60,  // + finger
};

constexpr int kAllegroFingers = 4;
constexpr int kAllegroJointsPerFinger = 4;

CanFrame EncodeAllegroServo(bool on, uint8_t hand = 0);
CanFrame EncodeAllegroTorque(int finger, const std::array<int16_t, 4>& duty, uint8_t hand = 0);
CanFrame EncodeAllegroPositionRequest(int finger, uint8_t hand = 0);
// The hand's reply to a position request. Throws ProtocolError for another identifier, another
// hand, a remote frame or a data length other than 8.
std::array<int16_t, 4> DecodeAllegroPositions(const CanFrame& frame, int finger, uint8_t hand = 0);

// The hand's side (a fake): which command and finger a frame carries, if it is one of the hand's.
struct AllegroRequest {
  AllegroCommand command;
  int finger = 0;  // for torque and position requests
  std::array<int16_t, 4> duty{};
};
std::optional<AllegroRequest> DecodeAllegroRequest(const CanFrame& frame, uint8_t hand = 0);
CanFrame EncodeAllegroPositions(int finger, const std::array<int16_t, 4>& counts, uint8_t hand = 0);

}  // namespace immimic::sim2real
