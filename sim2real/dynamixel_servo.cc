#include "sim2real/dynamixel_servo.h"

#include <chrono>
#include <string>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

std::vector<uint8_t> Le32(int32_t value) {
  const auto v = static_cast<uint32_t>(value);
  return {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 24)};
}

}  // namespace

DynamixelServo::DynamixelServo(ByteTransport& transport, uint8_t id, int timeout_ms)
    : transport_(transport), id_(id), timeout_ms_(timeout_ms) {}

DynamixelPacket DynamixelServo::Exchange(const std::vector<uint8_t>& instruction) {
  const std::string who = "dynamixel " + std::to_string(id_) + ": ";
  transport_.Write(instruction);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  for (;;) {
    while (auto packet = parser_.Next()) {
      if (packet->instruction != dynamixel::kStatus || packet->id != id_) continue;
      if ((packet->error & 0x7F) != 0) {
        throw ProtocolError(who + "status error: " + DynamixelErrorText(packet->error));
      }
      return *packet;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      throw ProtocolError(who + "no valid status packet within " + std::to_string(timeout_ms_) +
                          " ms (" + std::to_string(parser_.dropped()) + " corrupt dropped)");
    }
    const std::vector<uint8_t> bytes = transport_.Read(256, static_cast<int>(left));
    parser_.Feed(bytes.data(), bytes.size());
  }
}

void DynamixelServo::Ping() { Exchange(EncodeDynamixelInstruction(id_, dynamixel::kPing, {})); }

void DynamixelServo::SetTorque(bool on) {
  Exchange(EncodeDynamixelWrite(id_, dynamixel::kTorqueEnable, {static_cast<uint8_t>(on)}));
}

void DynamixelServo::SetGoalPosition(int32_t ticks) {
  Exchange(EncodeDynamixelWrite(id_, dynamixel::kGoalPosition, Le32(ticks)));
}

int32_t DynamixelServo::PresentPosition() {
  const DynamixelPacket reply = Exchange(EncodeDynamixelRead(id_, dynamixel::kPresentPosition, 4));
  if (reply.params.size() != 4) {
    throw ProtocolError("dynamixel " + std::to_string(id_) + ": position reply of " +
                        std::to_string(reply.params.size()) + " bytes, expected 4");
  }
  const uint32_t v = reply.params[0] | reply.params[1] << 8 | reply.params[2] << 16 |
                     static_cast<uint32_t>(reply.params[3]) << 24;
  return static_cast<int32_t>(v);
}

}  // namespace immimic::sim2real
