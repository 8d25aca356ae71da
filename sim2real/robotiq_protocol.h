#pragma once
// The Robotiq 2F-85 over Modbus RTU (RS-485, 115200 8N1, slave 9): the gripper's three command
// registers at 0x03E8 are written with function 16, its three status registers at 0x07D0 read
// with function 4. Frames are [slave, function, data..., CRC-16/MODBUS low, high]. Activation:
// write rACT = 0, then rACT = 1, and poll until gSTA = 3.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace immimic::sim2real {

constexpr uint8_t kRobotiqSlave = 9;
constexpr uint16_t kRobotiqCommandRegister = 0x03E8;
constexpr uint16_t kRobotiqStatusRegister = 0x07D0;

struct RobotiqCommand {
  bool activate = false;      // rACT
  bool go_to = false;         // rGTO: move to the requested position
  bool auto_release = false;  // rATR: emergency auto-release
  uint8_t position = 0;       // rPR: 0 open .. 255 closed
  uint8_t speed = 255;        // rSP
  uint8_t force = 255;        // rFR
};

struct RobotiqStatus {
  bool activated = false;        // gACT
  bool going = false;            // gGTO
  uint8_t activation_state = 0;  // gSTA: 0 reset, 1 activating, 3 activated
  uint8_t object = 0;  // gOBJ: 0 moving, 1 contact while opening, 2 while closing, 3 at position
  uint8_t fault = 0;   // gFLT (low nibble) and kFLT (high nibble)
  uint8_t position_request_echo = 0;  // gPR
  uint8_t position = 0;               // gPO
  uint8_t current = 0;                // gCU (x 10 mA)
  bool ready() const { return activation_state == 3; }
};

// Request frames, CRC included.
std::vector<uint8_t> EncodeRobotiqCommand(const RobotiqCommand& command,
                                          uint8_t slave = kRobotiqSlave);
std::vector<uint8_t> EncodeRobotiqStatusRequest(uint8_t slave = kRobotiqSlave);

// The reply lengths (what a serial reader waits for); an exception reply is 5 bytes.
constexpr size_t kRobotiqCommandReplySize = 8;
constexpr size_t kRobotiqStatusReplySize = 11;

// Reply frames. Throw ProtocolError naming the problem: a frame too short, a bad CRC, another
// slave, a Modbus exception (with its meaning), or a function or length that does not fit.
void CheckRobotiqCommandReply(const uint8_t* frame, size_t size, uint8_t slave = kRobotiqSlave);
RobotiqStatus DecodeRobotiqStatusReply(const uint8_t* frame, size_t size,
                                       uint8_t slave = kRobotiqSlave);

// The gripper's side (what a fake device answers): the command in a function-16 request, and a
// status reply frame.
RobotiqCommand DecodeRobotiqCommandRequest(const uint8_t* frame, size_t size,
                                           uint8_t slave = kRobotiqSlave);
std::vector<uint8_t> EncodeRobotiqStatusReply(const RobotiqStatus& status,
                                              uint8_t slave = kRobotiqSlave);

// The three registers each side holds (what Modbus TCP reads and writes through libmodbus):
// bytes [action, 0, 0, rPR, rSP, rFR] and [gripper status, 0, fault, gPR, gPO, gCU], big-endian
// in 16-bit registers.
std::array<uint16_t, 3> RobotiqCommandRegisters(const RobotiqCommand& command);
RobotiqCommand RobotiqCommandFromRegisters(const uint16_t* registers);
std::array<uint16_t, 3> RobotiqStatusRegisters(const RobotiqStatus& status);
RobotiqStatus RobotiqStatusFromRegisters(const uint16_t* registers);

// "no fault", "activation bit must be set", ... for gFLT.
std::string RobotiqFaultText(uint8_t fault);

}  // namespace immimic::sim2real
