#pragma once
// A Robotiq 2F-85 emulated at the byte level (Modbus RTU, slave 9) on a pseudo-terminal: the
// command and status registers, an activation that completes after a few status polls, moves
// that reach their target at once, and faults on demand (a corrupt reply, silence, a Modbus
// exception).
#include <atomic>
#include <thread>

#include "sim2real/crc.h"
#include "sim2real/robotiq_protocol.h"
#include "tests/sim2real/pty_pair.h"
#include "tests/sim2real/robotiq_model.h"

namespace immimic::sim2real::testing {

class FakeRobotiq {
 public:
  FakeRobotiq() : thread_([this] { Serve(); }) {}
  ~FakeRobotiq() {
    stop_ = true;
    thread_.join();
  }
  const std::string& slave_path() const { return pty_.slave_path(); }

  std::atomic<bool> corrupt_next{false}, silent{false}, exception_next{false};
  std::atomic<int> activation_polls{3};  // status polls from rACT = 1 to gSTA = 3

 private:
  void Serve() {
    std::vector<uint8_t> buffer;
    while (!stop_) {
      const std::vector<uint8_t> bytes = pty_.Read(10);
      buffer.insert(buffer.end(), bytes.begin(), bytes.end());
      while (buffer.size() >= 8) {
        const size_t size = buffer[1] == 16 ? 15 : 8;
        if (buffer.size() < size) break;
        const std::vector<uint8_t> frame(buffer.begin(), buffer.begin() + size);
        buffer.erase(buffer.begin(), buffer.begin() + size);
        Answer(frame);
      }
    }
  }

  void Answer(const std::vector<uint8_t>& frame) {
    if (silent) return;
    std::vector<uint8_t> reply;
    if (exception_next.exchange(false)) {
      reply = {kRobotiqSlave, static_cast<uint8_t>(frame[1] | 0x80), 0x02};
      AppendCrc(&reply);
    } else if (frame[1] == 16) {
      model_.Apply(DecodeRobotiqCommandRequest(frame.data(), frame.size()), activation_polls);
      reply = {kRobotiqSlave, 16, 0x03, 0xE8, 0x00, 0x03};
      AppendCrc(&reply);
    } else {
      reply = EncodeRobotiqStatusReply(model_.Poll());
    }
    if (corrupt_next.exchange(false)) reply.back() ^= 0x5A;
    pty_.Write(reply);
  }

  static void AppendCrc(std::vector<uint8_t>* frame) {
    const uint16_t crc = Crc16Modbus(frame->data(), frame->size());
    frame->push_back(static_cast<uint8_t>(crc & 0xFF));
    frame->push_back(static_cast<uint8_t>(crc >> 8));
  }

  PtyMaster pty_;
  RobotiqModel model_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace immimic::sim2real::testing
