#include "sim2real/allegro_protocol.h"

#include <sstream>
#include <string>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

std::string Hex(uint32_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << value;
  return out.str();
}

uint32_t Identifier(uint8_t command, uint8_t hand) {
  return (static_cast<uint32_t>(command) << 2) | (hand & 0x3);
}

void CheckFinger(int finger) {
  if (finger < 0 || finger >= kAllegroFingers) {
    throw ProtocolError("allegro: finger " + std::to_string(finger) + " is not 0..3");
  }
}

CanFrame WithValues(uint32_t id, const std::array<int16_t, 4>& values) {
  CanFrame frame;
  frame.id = id;
  frame.size = 8;
  for (int j = 0; j < 4; ++j) {
    const uint16_t word = static_cast<uint16_t>(values[j]);
    frame.data[2 * j] = static_cast<uint8_t>(word & 0xFF);
    frame.data[2 * j + 1] = static_cast<uint8_t>(word >> 8);
  }
  return frame;
}

std::array<int16_t, 4> Values(const CanFrame& frame) {
  std::array<int16_t, 4> values;
  for (int j = 0; j < 4; ++j) {
    values[j] = static_cast<int16_t>(frame.data[2 * j] | frame.data[2 * j + 1] << 8);
  }
  return values;
}

}  // namespace

CanFrame EncodeAllegroServo(bool on, uint8_t hand) {
  CanFrame frame;
  frame.id = Identifier(
      static_cast<uint8_t>(on ? AllegroCommand::kServoOn : AllegroCommand::kServoOff), hand);
  return frame;
}

CanFrame EncodeAllegroTorque(int finger, const std::array<int16_t, 4>& duty, uint8_t hand) {
  CheckFinger(finger);
  return WithValues(Identifier(static_cast<uint8_t>(AllegroCommand::kTorque) + finger, hand), duty);
}

CanFrame EncodeAllegroPositionRequest(int finger, uint8_t hand) {
  CheckFinger(finger);
  CanFrame frame;
  frame.id = Identifier(static_cast<uint8_t>(AllegroCommand::kPositionRequest) + finger, hand);
  frame.remote = true;
  frame.size = 8;
  return frame;
}

std::array<int16_t, 4> DecodeAllegroPositions(const CanFrame& frame, int finger, uint8_t hand) {
  CheckFinger(finger);
  const uint32_t expected =
      Identifier(static_cast<uint8_t>(AllegroCommand::kPositionRequest) + finger, hand);
  if (frame.id != expected) {
    throw ProtocolError("allegro: frame " + Hex(frame.id) + " is not finger " +
                        std::to_string(finger) + "'s positions");
  }
  if (frame.remote || frame.size != 8) {
    throw ProtocolError("allegro: position reply with " + std::to_string(frame.size) + " bytes" +
                        (frame.remote ? " (a remote frame)" : "") + ", expected 8");
  }
  return Values(frame);
}

std::optional<AllegroRequest> DecodeAllegroRequest(const CanFrame& frame, uint8_t hand) {
  if ((frame.id & 0x3) != hand || frame.id > 0x7FF) return std::nullopt;
  const uint8_t command = static_cast<uint8_t>(frame.id >> 2);
  AllegroRequest request{AllegroCommand::kServoOff, 0, {}};
  if (command == 0x40 || command == 0x41) {
    request.command = static_cast<AllegroCommand>(command);
    return request;
  }
  if (command >= 0x20 && command < 0x24 && frame.remote) {
    request.command = AllegroCommand::kPositionRequest;
    request.finger = command - 0x20;
    return request;
  }
  if (command >= 0x60 && command < 0x64 && !frame.remote && frame.size == 8) {
    request.command = AllegroCommand::kTorque;
    request.finger = command - 0x60;
    request.duty = Values(frame);
    return request;
  }
  return std::nullopt;
}

CanFrame EncodeAllegroPositions(int finger, const std::array<int16_t, 4>& counts, uint8_t hand) {
  CheckFinger(finger);
  return WithValues(
      Identifier(static_cast<uint8_t>(AllegroCommand::kPositionRequest) + finger, hand), counts);
}

}  // namespace immimic::sim2real
