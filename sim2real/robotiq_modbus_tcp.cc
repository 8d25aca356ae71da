#include "sim2real/robotiq_modbus_tcp.h"

#include <modbus/modbus.h>

#include <cerrno>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {

RobotiqTcpBus::RobotiqTcpBus(const std::string& host, int port, int unit, int timeout_ms)
    : where_("robotiq modbus tcp " + host + ":" + std::to_string(port)) {
  context_ = modbus_new_tcp(host.c_str(), port);
  if (context_ == nullptr) Fail("cannot create the context");
  modbus_set_slave(context_, unit);
  modbus_set_response_timeout(context_, static_cast<uint32_t>(timeout_ms / 1000),
                              static_cast<uint32_t>(timeout_ms % 1000) * 1000);
  if (modbus_connect(context_) != 0) {
    const std::string reason = modbus_strerror(errno);
    modbus_free(context_);  // the destructor does not run for a constructor that throws
    context_ = nullptr;
    throw ProtocolError(where_ + ": cannot connect (" + reason + ")");
  }
}

RobotiqTcpBus::~RobotiqTcpBus() {
  if (context_ == nullptr) return;
  modbus_close(context_);
  modbus_free(context_);
}

void RobotiqTcpBus::Fail(const std::string& what) const {
  throw ProtocolError(where_ + ": " + what + " (" + modbus_strerror(errno) + ")");
}

void RobotiqTcpBus::WriteCommand(const RobotiqCommand& command) {
  const std::array<uint16_t, 3> registers = RobotiqCommandRegisters(command);
  if (modbus_write_registers(context_, kRobotiqCommandRegister, 3, registers.data()) != 3) {
    Fail("command write failed");
  }
}

RobotiqStatus RobotiqTcpBus::ReadStatus() {
  uint16_t registers[3] = {};
  if (modbus_read_input_registers(context_, kRobotiqStatusRegister, 3, registers) != 3) {
    Fail("status read failed");
  }
  return RobotiqStatusFromRegisters(registers);
}

}  // namespace immimic::sim2real
