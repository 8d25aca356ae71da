#pragma once
// A Dynamixel servo emulated at the byte level on the master side of a pseudo-terminal: the
// driver under test opens the slave side as a serial port. It answers ping, read and write from a
// 256-byte control table (present position follows goal position at once) and can be told to
// corrupt its next reply, stay silent, or reject goal positions outside a range.
#include <array>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "sim2real/dynamixel_protocol.h"
#include "tests/sim2real/pty_pair.h"

namespace immimic::sim2real::testing {

class FakeDynamixel {
 public:
  explicit FakeDynamixel(uint8_t id) : id_(id), thread_([this] { Serve(); }) {}
  ~FakeDynamixel() {
    stop_ = true;
    thread_.join();
  }
  const std::string& slave_path() const { return pty_.slave_path(); }

  std::atomic<bool> corrupt_next{false}, silent{false};
  std::atomic<int32_t> max_goal{4095};

 private:
  void Serve() {
    DynamixelStreamParser parser;
    while (!stop_) {
      const std::vector<uint8_t> bytes = pty_.Read(10);
      parser.Feed(bytes.data(), bytes.size());
      while (auto packet = parser.Next()) {
        if (packet->id == id_ && packet->instruction != dynamixel::kStatus) Answer(*packet);
      }
    }
  }

  void Answer(const DynamixelPacket& in) {
    if (silent) return;
    std::vector<uint8_t> params;
    uint8_t error = 0;
    const uint16_t address = in.params.size() >= 2 ? in.params[0] | in.params[1] << 8 : 0;
    if (in.instruction == dynamixel::kPing) {
      params = {0x06, 0x04, 0x26};  // model number, firmware
    } else if (in.instruction == dynamixel::kRead && in.params.size() == 4) {
      const uint16_t length = in.params[2] | in.params[3] << 8;
      params.assign(table_.begin() + address, table_.begin() + address + length);
    } else if (in.instruction == dynamixel::kWrite) {
      error = Write(address, in.params);
    } else {
      error = 2;  // instruction error
    }
    std::vector<uint8_t> reply = EncodeDynamixelStatus(id_, error, params);
    if (corrupt_next.exchange(false)) reply.back() ^= 0x5A;
    pty_.Write(reply);
  }

  uint8_t Write(uint16_t address, const std::vector<uint8_t>& params) {
    const size_t count = params.size() - 2;
    if (address + count > table_.size()) return 7;  // access error
    if (address == dynamixel::kGoalPosition && count == 4) {
      int32_t goal;
      std::memcpy(&goal, params.data() + 2, 4);
      if (goal < 0 || goal > max_goal) return 4;  // data range error
      std::memcpy(table_.data() + dynamixel::kPresentPosition, &goal, 4);
    }
    std::copy(params.begin() + 2, params.end(), table_.begin() + address);
    return 0;
  }

  uint8_t id_;
  PtyMaster pty_;
  std::array<uint8_t, 256> table_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace immimic::sim2real::testing
