#include "sim2real/robotiq_gripper.h"

#include <chrono>
#include <string>
#include <thread>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {

RobotiqRtuBus::RobotiqRtuBus(ByteTransport& transport, uint8_t slave, int timeout_ms)
    : transport_(transport), slave_(slave), timeout_ms_(timeout_ms) {}

// Reads until `size` bytes or an exception reply's 5 arrive, within the timeout.
std::vector<uint8_t> RobotiqRtuBus::Reply(size_t size) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
  std::vector<uint8_t> frame;
  while (frame.size() < size) {
    if (frame.size() >= 5 && (frame[1] & 0x80)) break;  // a Modbus exception: 5 bytes
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      throw ProtocolError("robotiq: " + std::to_string(frame.size()) + " of " +
                          std::to_string(size) + " reply bytes within " +
                          std::to_string(timeout_ms_) + " ms");
    }
    const std::vector<uint8_t> bytes = transport_.Read(size - frame.size(), static_cast<int>(left));
    frame.insert(frame.end(), bytes.begin(), bytes.end());
  }
  return frame;
}

void RobotiqRtuBus::WriteCommand(const RobotiqCommand& command) {
  transport_.Write(EncodeRobotiqCommand(command, slave_));
  const std::vector<uint8_t> reply = Reply(kRobotiqCommandReplySize);
  CheckRobotiqCommandReply(reply.data(), reply.size(), slave_);
}

RobotiqStatus RobotiqRtuBus::ReadStatus() {
  transport_.Write(EncodeRobotiqStatusRequest(slave_));
  const std::vector<uint8_t> reply = Reply(kRobotiqStatusReplySize);
  return DecodeRobotiqStatusReply(reply.data(), reply.size(), slave_);
}

RobotiqGripper::RobotiqGripper(std::unique_ptr<RobotiqBus> bus) : bus_(std::move(bus)) {}

RobotiqGripper::RobotiqGripper(ByteTransport& transport, uint8_t slave, int timeout_ms)
    : bus_(std::make_unique<RobotiqRtuBus>(transport, slave, timeout_ms)) {}

RobotiqStatus RobotiqGripper::Status() { return bus_->ReadStatus(); }

void RobotiqGripper::Activate(int activation_ms) {
  RobotiqCommand reset;
  reset.speed = reset.force = 0;
  bus_->WriteCommand(reset);
  RobotiqCommand activate = reset;
  activate.activate = true;
  bus_->WriteCommand(activate);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(activation_ms);
  for (;;) {
    const RobotiqStatus status = Status();
    if ((status.fault & 0x0F) != 0 && (status.fault & 0x0F) != 0x05) {
      throw ProtocolError("robotiq: activation failed: " + RobotiqFaultText(status.fault));
    }
    if (status.ready()) return;
    if (std::chrono::steady_clock::now() > deadline) {
      throw ProtocolError("robotiq: not activated within " + std::to_string(activation_ms) +
                          " ms (gSTA " + std::to_string(status.activation_state) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void RobotiqGripper::Move(uint8_t position, uint8_t speed, uint8_t force) {
  RobotiqCommand command;
  command.activate = command.go_to = true;
  command.position = position;
  command.speed = speed;
  command.force = force;
  bus_->WriteCommand(command);
}

}  // namespace immimic::sim2real
