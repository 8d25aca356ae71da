#include "sim2real/serial_port.h"

#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

speed_t BaudConstant(int baud, const std::string& path) {
  static const std::map<int, speed_t> kRates = {
      {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
      {115200, B115200},   {230400, B230400},   {460800, B460800},   {921600, B921600},
      {1000000, B1000000}, {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000}};
  const auto found = kRates.find(baud);
  if (found == kRates.end()) {
    throw ProtocolError(path + ": unsupported baud rate " + std::to_string(baud));
  }
  return found->second;
}

std::string Reason() { return std::strerror(errno); }

}  // namespace

SerialPort::SerialPort(const std::string& path, int baud) : path_(path) {
  const speed_t speed = BaudConstant(baud, path);
  fd_ = open(path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd_ < 0) throw ProtocolError(path + ": cannot open: " + Reason());
  termios tty{};
  if (tcgetattr(fd_, &tty) != 0) {
    const std::string reason = Reason();
    close(fd_);
    throw ProtocolError(path + ": not a terminal: " + reason);
  }
  cfmakeraw(&tty);
  tty.c_cflag |= CLOCAL | CREAD;
  tty.c_cflag &= ~(CSTOPB | PARENB);
  cfsetispeed(&tty, speed);
  cfsetospeed(&tty, speed);
  tty.c_cc[VMIN] = 0;
  tty.c_cc[VTIME] = 0;
  if (tcsetattr(fd_, TCSANOW, &tty) != 0) {
    const std::string reason = Reason();
    close(fd_);
    throw ProtocolError(path + ": cannot configure: " + reason);
  }
}

SerialPort::~SerialPort() {
  if (fd_ >= 0) close(fd_);
}

void SerialPort::Write(const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw ProtocolError(path_ + ": write failed: " + Reason());
    done += static_cast<size_t>(n);
  }
}

std::vector<uint8_t> SerialPort::Read(size_t max, int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = poll(&p, 1, timeout_ms);
  if (ready < 0 && errno != EINTR) throw ProtocolError(path_ + ": poll failed: " + Reason());
  if (ready <= 0) return {};
  if (p.revents & (POLLHUP | POLLERR)) throw ProtocolError(path_ + ": the device hung up");
  std::vector<uint8_t> bytes(max);
  const ssize_t n = read(fd_, bytes.data(), max);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return {};
    throw ProtocolError(path_ + ": read failed: " + Reason());
  }
  bytes.resize(static_cast<size_t>(n));
  return bytes;
}

}  // namespace immimic::sim2real
