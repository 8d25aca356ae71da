#include "sim2real/robotiq_protocol.h"

#include <sstream>

#include "sim2real/crc.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

constexpr uint8_t kWriteMultiple = 16;
constexpr uint8_t kReadInput = 4;

void AppendCrc(std::vector<uint8_t>* frame) {
  const uint16_t crc = Crc16Modbus(frame->data(), frame->size());
  frame->push_back(static_cast<uint8_t>(crc & 0xFF));
  frame->push_back(static_cast<uint8_t>(crc >> 8));
}

void AppendWord(std::vector<uint8_t>* frame, uint16_t word) {
  frame->push_back(static_cast<uint8_t>(word >> 8));
  frame->push_back(static_cast<uint8_t>(word & 0xFF));
}

uint16_t Word(const uint8_t* bytes) { return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]); }

std::string ExceptionText(uint8_t code) {
  switch (code) {
    case 1:
      return "illegal function";
    case 2:
      return "illegal data address";
    case 3:
      return "illegal data value";
    case 4:
      return "slave device failure";
    default:
      return "exception code " + std::to_string(code);
  }
}

// Checks size, CRC, slave and function (or decodes a Modbus exception); throws ProtocolError.
void CheckFrame(const uint8_t* frame, size_t size, uint8_t slave, uint8_t function,
                size_t expected_size, const char* what) {
  auto fail = [&](const std::string& why) {
    throw ProtocolError(std::string("robotiq: ") + what + ": " + why);
  };
  if (frame == nullptr || size < 5) fail(std::to_string(size) + " bytes, a frame needs 5 or more");
  if (Crc16Modbus(frame, size - 2) != (frame[size - 2] | frame[size - 1] << 8)) fail("bad CRC");
  if (frame[0] != slave) {
    fail("from slave " + std::to_string(frame[0]) + ", expected " + std::to_string(slave));
  }
  if (frame[1] == (function | 0x80)) fail("Modbus exception: " + ExceptionText(frame[2]));
  if (frame[1] != function) fail("function " + std::to_string(frame[1]));
  if (size != expected_size) {
    fail(std::to_string(size) + " bytes, expected " + std::to_string(expected_size));
  }
}

}  // namespace

std::vector<uint8_t> EncodeRobotiqCommand(const RobotiqCommand& c, uint8_t slave) {
  std::vector<uint8_t> frame = {slave, kWriteMultiple};
  AppendWord(&frame, kRobotiqCommandRegister);
  AppendWord(&frame, 3);  // registers
  frame.push_back(6);     // bytes
  for (uint16_t word : RobotiqCommandRegisters(c)) AppendWord(&frame, word);
  AppendCrc(&frame);
  return frame;
}

std::vector<uint8_t> EncodeRobotiqStatusRequest(uint8_t slave) {
  std::vector<uint8_t> frame = {slave, kReadInput};
  AppendWord(&frame, kRobotiqStatusRegister);
  AppendWord(&frame, 3);
  AppendCrc(&frame);
  return frame;
}

void CheckRobotiqCommandReply(const uint8_t* frame, size_t size, uint8_t slave) {
  CheckFrame(frame, size, slave, kWriteMultiple, kRobotiqCommandReplySize, "command reply");
  if (Word(frame + 2) != kRobotiqCommandRegister || Word(frame + 4) != 3) {
    throw ProtocolError("robotiq: command reply: acknowledges another register range");
  }
}

RobotiqStatus DecodeRobotiqStatusReply(const uint8_t* frame, size_t size, uint8_t slave) {
  CheckFrame(frame, size, slave, kReadInput, kRobotiqStatusReplySize, "status reply");
  if (frame[2] != 6) {
    throw ProtocolError("robotiq: status reply: byte count " + std::to_string(frame[2]) +
                        ", expected 6");
  }
  const uint16_t registers[3] = {Word(frame + 3), Word(frame + 5), Word(frame + 7)};
  return RobotiqStatusFromRegisters(registers);
}

RobotiqCommand DecodeRobotiqCommandRequest(const uint8_t* frame, size_t size, uint8_t slave) {
  CheckFrame(frame, size, slave, kWriteMultiple, 15, "command request");
  if (Word(frame + 2) != kRobotiqCommandRegister || Word(frame + 4) != 3 || frame[6] != 6) {
    throw ProtocolError("robotiq: command request: not the 3 command registers at 0x03E8");
  }
  const uint16_t registers[3] = {Word(frame + 7), Word(frame + 9), Word(frame + 11)};
  return RobotiqCommandFromRegisters(registers);
}

std::vector<uint8_t> EncodeRobotiqStatusReply(const RobotiqStatus& s, uint8_t slave) {
  std::vector<uint8_t> frame = {slave, kReadInput, 6};
  for (uint16_t word : RobotiqStatusRegisters(s)) AppendWord(&frame, word);
  AppendCrc(&frame);
  return frame;
}

std::array<uint16_t, 3> RobotiqCommandRegisters(const RobotiqCommand& c) {
  const uint8_t action = static_cast<uint8_t>((c.activate ? 0x01 : 0) | (c.go_to ? 0x08 : 0) |
                                              (c.auto_release ? 0x10 : 0));
  return {static_cast<uint16_t>(action << 8), c.position,
          static_cast<uint16_t>(c.speed << 8 | c.force)};
}

RobotiqCommand RobotiqCommandFromRegisters(const uint16_t* r) {
  RobotiqCommand c;
  const uint8_t action = r[0] >> 8;
  c.activate = action & 0x01;
  c.go_to = action & 0x08;
  c.auto_release = action & 0x10;
  c.position = r[1] & 0xFF;
  c.speed = r[2] >> 8;
  c.force = r[2] & 0xFF;
  return c;
}

std::array<uint16_t, 3> RobotiqStatusRegisters(const RobotiqStatus& s) {
  const uint8_t status =
      static_cast<uint8_t>((s.activated ? 0x01 : 0) | (s.going ? 0x08 : 0) |
                           (s.activation_state & 0x03) << 4 | (s.object & 0x03) << 6);
  return {static_cast<uint16_t>(status << 8),
          static_cast<uint16_t>(s.fault << 8 | s.position_request_echo),
          static_cast<uint16_t>(s.position << 8 | s.current)};
}

RobotiqStatus RobotiqStatusFromRegisters(const uint16_t* r) {
  RobotiqStatus s;
  const uint8_t status = r[0] >> 8;
  s.activated = status & 0x01;
  s.going = status & 0x08;
  s.activation_state = (status >> 4) & 0x03;
  s.object = (status >> 6) & 0x03;
  s.fault = r[1] >> 8;
  s.position_request_echo = r[1] & 0xFF;
  s.position = r[2] >> 8;
  s.current = r[2] & 0xFF;
  return s;
}

std::string RobotiqFaultText(uint8_t fault) {
  switch (fault & 0x0F) {
    case 0x00:
      return "no fault";
    case 0x05:
      return "action delayed: activation must complete first";
    case 0x07:
      return "activation bit must be set";
    case 0x08:
      return "maximum operating temperature exceeded";
    case 0x09:
      return "no communication for at least 1 second";
    case 0x0A:
      return "under minimum operating voltage";
    case 0x0B:
      return "automatic release in progress";
    case 0x0C:
      return "internal fault";
    case 0x0D:
      return "activation fault";
    case 0x0E:
      return "overcurrent";
    case 0x0F:
      return "automatic release completed";
    default: {
      std::ostringstream out;
      out << "fault 0x" << std::hex << static_cast<int>(fault & 0x0F);
      return out.str();
    }
  }
}

}  // namespace immimic::sim2real
