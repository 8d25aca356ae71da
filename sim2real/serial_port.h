#pragma once
// A serial device (RS-485 adapter, USB-UART) as raw bytes: termios raw mode at a given baud
// rate, writes that complete, reads that wait at most a timeout. Drivers talk to it through
// ByteTransport, so a fake device on a pseudo-terminal stands in for the hardware in tests.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace immimic::sim2real {

class ByteTransport {
 public:
  virtual ~ByteTransport() = default;
  // Writes every byte; throws ProtocolError if the device is gone.
  virtual void Write(const std::vector<uint8_t>& bytes) = 0;
  // Up to `max` bytes that arrive within `timeout_ms` (an empty result: none arrived).
  virtual std::vector<uint8_t> Read(size_t max, int timeout_ms) = 0;
};

class SerialPort : public ByteTransport {
 public:
  // Opens `path` (a tty or a pseudo-terminal) raw, 8N1, at `baud` (9600 .. 4000000). Throws
  // ProtocolError naming the path and the reason.
  SerialPort(const std::string& path, int baud);
  ~SerialPort() override;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;

  void Write(const std::vector<uint8_t>& bytes) override;
  std::vector<uint8_t> Read(size_t max, int timeout_ms) override;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace immimic::sim2real
