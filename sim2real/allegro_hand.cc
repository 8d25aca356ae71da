#include "sim2real/allegro_hand.h"

#include <linux/can.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {

SocketCan::SocketCan(const std::string& interface) : interface_(interface) {
  fd_ = socket(PF_CAN, SOCK_RAW, CAN_RAW);
  if (fd_ < 0)
    throw ProtocolError("can " + interface + ": no CAN sockets (" + strerror(errno) + ")");
  ifreq request{};
  std::strncpy(request.ifr_name, interface.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd_, SIOCGIFINDEX, &request) < 0) {
    const std::string reason = strerror(errno);
    close(fd_);
    throw ProtocolError("can " + interface + ": no such interface (" + reason + ")");
  }
  sockaddr_can address{};
  address.can_family = AF_CAN;
  address.can_ifindex = request.ifr_ifindex;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0) {
    const std::string reason = strerror(errno);
    close(fd_);
    throw ProtocolError("can " + interface + ": cannot bind (" + reason + ")");
  }
}

SocketCan::~SocketCan() {
  if (fd_ >= 0) close(fd_);
}

void SocketCan::Send(const CanFrame& frame) {
  can_frame raw{};
  raw.can_id = frame.id | (frame.remote ? CAN_RTR_FLAG : 0);
  raw.can_dlc = frame.size;
  std::memcpy(raw.data, frame.data.data(), 8);
  if (write(fd_, &raw, sizeof raw) != static_cast<ssize_t>(sizeof raw)) {
    throw ProtocolError("can " + interface_ + ": write failed (" + strerror(errno) + ")");
  }
}

std::optional<CanFrame> SocketCan::Receive(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
  can_frame raw{};
  if (read(fd_, &raw, sizeof raw) != static_cast<ssize_t>(sizeof raw)) {
    throw ProtocolError("can " + interface_ + ": read failed (" + strerror(errno) + ")");
  }
  CanFrame frame;
  frame.id = raw.can_id & CAN_SFF_MASK;
  frame.remote = raw.can_id & CAN_RTR_FLAG;
  frame.size = std::min<uint8_t>(raw.can_dlc, 8);
  std::memcpy(frame.data.data(), raw.data, 8);
  return frame;
}

AllegroHand::AllegroHand(CanTransport& bus, uint8_t hand, int timeout_ms)
    : bus_(bus), hand_(hand), timeout_ms_(timeout_ms) {}

void AllegroHand::Servo(bool on) { bus_.Send(EncodeAllegroServo(on, hand_)); }

void AllegroHand::SendDuty(const std::array<int16_t, 16>& duty) {
  for (int f = 0; f < kAllegroFingers; ++f) {
    bus_.Send(EncodeAllegroTorque(
        f, {duty[4 * f], duty[4 * f + 1], duty[4 * f + 2], duty[4 * f + 3]}, hand_));
  }
}

std::array<int16_t, 16> AllegroHand::ReadPositions() {
  std::array<int16_t, 16> counts{};
  for (int f = 0; f < kAllegroFingers; ++f) {
    bus_.Send(EncodeAllegroPositionRequest(f, hand_));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    for (;;) {
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                            .count());
      const std::optional<CanFrame> reply = left > 0 ? bus_.Receive(left) : std::nullopt;
      if (!reply) {
        throw ProtocolError("allegro: finger " + std::to_string(f) + " did not answer within " +
                            std::to_string(timeout_ms_) + " ms");
      }
      if (reply->remote || reply->id != EncodeAllegroPositionRequest(f, hand_).id) {
        continue;  // other traffic on the bus
      }
      const std::array<int16_t, 4> finger = DecodeAllegroPositions(*reply, f, hand_);
      std::copy(finger.begin(), finger.end(), counts.begin() + 4 * f);
      break;
    }
  }
  return counts;
}

}  // namespace immimic::sim2real
