#pragma once
// The PSYONIC Ability hand's driver over a ByteTransport (its UART, 460800 baud): position
// commands and read-only requests (sim2real/ability_protocol.h), each answered by one reply
// whose positions come back. The hand leaves its API mode 300 ms after the last command, which
// a slow policy step or a held stop could reach, so the last command is resent once none went
// out for `keep_alive_after` (150 ms): by KeepAlive(now), which AbilityKeepAlive calls from its
// own thread. Every exchange holds one lock, so the thread's frames never interleave with the
// loop's. A missing reply, a bad checksum or a malformed reply is a ProtocolError.
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim2real/ability_protocol.h"
#include "sim2real/serial_port.h"

namespace immimic::sim2real {

class AbilityHand {
 public:
  using Clock = std::chrono::steady_clock;
  // `reply_variant` 0..2 (ability_protocol.h); 2 is the shortest reply (no touch sensors).
  AbilityHand(ByteTransport& transport, int reply_variant = 2, int timeout_ms = 20,
              std::chrono::milliseconds keep_alive_after = std::chrono::milliseconds(150));

  // Commands the six joints (degrees, the hand's order) and returns its reply.
  AbilityReply SetPositions(const std::array<double, 6>& degrees);
  // The hand's reply to a read-only request: nothing moves, the API mode is not entered.
  AbilityReply ReadOnly();
  // Resends the last position command if none went out for `keep_alive_after` before `now`;
  // returns whether it did. Nothing is resent before the first command.
  bool KeepAlive(Clock::time_point now);

 private:
  AbilityReply Exchange(const std::vector<uint8_t>& wire);  // with mutex_ held

  ByteTransport& transport_;
  int reply_variant_, timeout_ms_;
  std::chrono::milliseconds keep_alive_after_;
  std::mutex mutex_;
  std::vector<uint8_t> last_command_;  // stuffed bytes; empty before the first command
  Clock::time_point last_sent_;
};

// Calls hand.KeepAlive every `poll` on its own thread until destroyed. A failing keep-alive is
// kept (error()); the loop's next exchange meets the same fault and stops the bridge.
class AbilityKeepAlive {
 public:
  explicit AbilityKeepAlive(AbilityHand& hand,
                            std::chrono::milliseconds poll = std::chrono::milliseconds(20));
  ~AbilityKeepAlive();
  AbilityKeepAlive(const AbilityKeepAlive&) = delete;
  AbilityKeepAlive& operator=(const AbilityKeepAlive&) = delete;
  int resent() const;
  std::string error() const;

 private:
  void Run();

  AbilityHand& hand_;
  std::chrono::milliseconds poll_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  int resent_ = 0;
  std::string error_;
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace immimic::sim2real
