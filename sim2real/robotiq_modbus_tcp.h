#pragma once
// The Robotiq 2F-85 over Modbus TCP (its Ethernet/IP-Modbus gateway or a controller's Modbus
// server) through libmodbus: function 16 to the command registers at 0x03E8, function 4 from the
// status registers at 0x07D0, unit id 9 by default. A refused connection, a timeout or a Modbus
// exception is a ProtocolError naming the server and libmodbus's reason.
#include <cstdint>
#include <string>

#include "sim2real/robotiq_gripper.h"

typedef struct _modbus modbus_t;  // libmodbus's context, kept out of this header

namespace immimic::sim2real {

class RobotiqTcpBus : public RobotiqBus {
 public:
  RobotiqTcpBus(const std::string& host, int port, int unit = kRobotiqSlave, int timeout_ms = 50);
  ~RobotiqTcpBus() override;
  RobotiqTcpBus(const RobotiqTcpBus&) = delete;
  RobotiqTcpBus& operator=(const RobotiqTcpBus&) = delete;

  void WriteCommand(const RobotiqCommand& command) override;
  RobotiqStatus ReadStatus() override;

 private:
  [[noreturn]] void Fail(const std::string& what) const;

  std::string where_;
  modbus_t* context_ = nullptr;
};

}  // namespace immimic::sim2real
