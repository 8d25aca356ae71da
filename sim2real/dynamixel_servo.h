#pragma once
// A Dynamixel servo on Protocol 2.0 (the Fin Ray's parallel actuator), over a ByteTransport:
// one instruction, then its status packet within a timeout. A missing, corrupt or erroneous
// reply is a ProtocolError naming the servo and the fault.
#include <cstdint>

#include "sim2real/dynamixel_protocol.h"
#include "sim2real/serial_port.h"

namespace immimic::sim2real {

class DynamixelServo {
 public:
  DynamixelServo(ByteTransport& transport, uint8_t id, int timeout_ms = 50);

  void Ping();
  void SetTorque(bool on);
  void SetGoalPosition(int32_t ticks);  // register 116, 4 bytes
  int32_t PresentPosition();            // register 132, 4 bytes

 private:
  DynamixelPacket Exchange(const std::vector<uint8_t>& instruction);

  ByteTransport& transport_;
  uint8_t id_;
  int timeout_ms_;
  DynamixelStreamParser parser_;
};

}  // namespace immimic::sim2real
