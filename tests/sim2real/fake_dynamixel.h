#pragma once
// A Dynamixel servo emulated at the byte level on the master side of a pseudo-terminal: the
// driver under test opens the slave side as a serial port. It answers ping, read and write from a
// 256-byte control table (present position follows goal position at once) and can be told to
// corrupt its next reply, stay silent, or reject goal positions outside a range.
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "sim2real/dynamixel_protocol.h"

namespace immimic::sim2real::testing {

class FakeDynamixel {
 public:
  explicit FakeDynamixel(uint8_t id) : id_(id) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) {
      throw std::runtime_error("no pseudo-terminal");
    }
    slave_path_ = ptsname(master_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeDynamixel() {
    stop_ = true;
    thread_.join();
    close(master_);
  }
  const std::string& slave_path() const { return slave_path_; }

  std::atomic<bool> corrupt_next{false}, silent{false};
  std::atomic<int32_t> max_goal{4095};

 private:
  void Serve() {
    DynamixelStreamParser parser;
    while (!stop_) {
      pollfd p{master_, POLLIN, 0};
      if (poll(&p, 1, 10) <= 0 || !(p.revents & POLLIN)) continue;
      uint8_t bytes[256];
      const ssize_t n = read(master_, bytes, sizeof(bytes));
      if (n <= 0) continue;
      parser.Feed(bytes, static_cast<size_t>(n));
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
    if (write(master_, reply.data(), reply.size()) < 0) return;
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
  int master_ = -1;
  std::string slave_path_;
  std::array<uint8_t, 256> table_{};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace immimic::sim2real::testing
