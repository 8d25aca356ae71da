#pragma once
// The Robotiq 2F-85 driver: the activation sequence (rACT = 0, rACT = 1, then status polls until
// gSTA = 3), position requests and status reads, over a RobotiqBus: Modbus RTU on a ByteTransport
// (an RS-485 adapter's serial port, here) or Modbus TCP (sim2real/robotiq_modbus_tcp.h). A
// missing or malformed reply, a Modbus exception or a gripper fault is a ProtocolError naming it.
#include <cstdint>
#include <memory>
#include <vector>

#include "sim2real/robotiq_protocol.h"
#include "sim2real/serial_port.h"

namespace immimic::sim2real {

// Writes the three command registers and reads the three status registers.
class RobotiqBus {
 public:
  virtual ~RobotiqBus() = default;
  virtual void WriteCommand(const RobotiqCommand& command) = 0;
  virtual RobotiqStatus ReadStatus() = 0;
};

// Modbus RTU frames (sim2real/robotiq_protocol.h) on a byte transport.
class RobotiqRtuBus : public RobotiqBus {
 public:
  RobotiqRtuBus(ByteTransport& transport, uint8_t slave = kRobotiqSlave, int timeout_ms = 50);
  void WriteCommand(const RobotiqCommand& command) override;
  RobotiqStatus ReadStatus() override;

 private:
  std::vector<uint8_t> Reply(size_t size);

  ByteTransport& transport_;
  uint8_t slave_;
  int timeout_ms_;
};

class RobotiqGripper {
 public:
  explicit RobotiqGripper(std::unique_ptr<RobotiqBus> bus);
  // Modbus RTU on `transport`.
  RobotiqGripper(ByteTransport& transport, uint8_t slave = kRobotiqSlave, int timeout_ms = 50);

  // Resets and activates; throws if gSTA does not reach 3 within `activation_ms`.
  void Activate(int activation_ms = 5000);
  // Moves to `position` (0 open .. 255 closed) at `speed` and `force` (0 .. 255).
  void Move(uint8_t position, uint8_t speed = 255, uint8_t force = 255);
  RobotiqStatus Status();

 private:
  std::unique_ptr<RobotiqBus> bus_;
};

}  // namespace immimic::sim2real
