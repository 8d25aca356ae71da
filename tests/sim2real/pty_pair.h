#pragma once
// The master side of a pseudo-terminal, for byte-level fake devices: the driver under test opens
// slave_path() as its serial port.
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real::testing {

class PtyMaster {
 public:
  PtyMaster() {
    fd_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd_ < 0 || grantpt(fd_) != 0 || unlockpt(fd_) != 0) {
      throw std::runtime_error("no pseudo-terminal");
    }
    slave_path_ = ptsname(fd_);
  }
  ~PtyMaster() { close(fd_); }
  const std::string& slave_path() const { return slave_path_; }
  // Bytes the driver wrote, waiting at most `timeout_ms` (empty: none).
  std::vector<uint8_t> Read(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0 || !(p.revents & POLLIN)) return {};
    std::vector<uint8_t> bytes(256);
    const ssize_t n = read(fd_, bytes.data(), bytes.size());
    bytes.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return bytes;
  }
  void Write(const std::vector<uint8_t>& bytes) {
    if (write(fd_, bytes.data(), bytes.size()) < 0) return;
  }

 private:
  int fd_ = -1;
  std::string slave_path_;
};

// The message of the ProtocolError `call` throws, or "" if it throws none.
inline std::string ProtocolErrorOf(const std::function<void()>& call) {
  try {
    call();
    return "";
  } catch (const ProtocolError& error) {
    return error.what();
  }
}

}  // namespace immimic::sim2real::testing
