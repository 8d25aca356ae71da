#pragma once
// The Allegro hand's driver over a CAN transport (sim2real/allegro_protocol.h): servo on and off,
// the sixteen joints' position counts (one remote request and reply per finger) and the sixteen
// duty commands (one frame per finger). Units stay the hand's own (int16 counts and duty); the
// conversion to radians and newton-metres is the rig's calibration. SocketCan is the Linux
// transport; tests run the protocol through the CanTransport interface against a fake hand.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "sim2real/allegro_protocol.h"

namespace immimic::sim2real {

class CanTransport {
 public:
  virtual ~CanTransport() = default;
  // Throws ProtocolError if the bus is gone.
  virtual void Send(const CanFrame& frame) = 0;
  // The next frame within `timeout_ms`, or nothing.
  virtual std::optional<CanFrame> Receive(int timeout_ms) = 0;
};

// A raw CAN socket bound to a network interface ("can0"). Throws ProtocolError naming the
// interface if it does not exist or cannot be opened.
class SocketCan : public CanTransport {
 public:
  explicit SocketCan(const std::string& interface);
  ~SocketCan() override;
  SocketCan(const SocketCan&) = delete;
  SocketCan& operator=(const SocketCan&) = delete;
  void Send(const CanFrame& frame) override;
  std::optional<CanFrame> Receive(int timeout_ms) override;

 private:
  std::string interface_;
  int fd_ = -1;
};

class AllegroHand {
 public:
  AllegroHand(CanTransport& bus, uint8_t hand = 0, int timeout_ms = 10);
  void Servo(bool on);
  void SendDuty(const std::array<int16_t, 16>& duty);  // index, middle, ring, thumb; 4 joints each
  // Throws ProtocolError when a finger does not answer within the timeout or answers garbage.
  std::array<int16_t, 16> ReadPositions();

 private:
  CanTransport& bus_;
  uint8_t hand_;
  int timeout_ms_;
};

}  // namespace immimic::sim2real
