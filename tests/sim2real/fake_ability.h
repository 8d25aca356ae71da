#pragma once
// A PSYONIC Ability hand emulated at the byte level on the master side of a pseudo-terminal: it
// deframes the host's PPP frames, answers position commands and read-only requests with the
// reply variant they ask for, and keeps the hand's API-mode rule: a position command enters
// API mode, and 300 ms without one leaves it (counted in dropouts()). Fingers reach a commanded
// position at once while in API mode. Faults on demand: a corrupt reply, silence.
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "sim2real/ability_protocol.h"
#include "tests/sim2real/pty_pair.h"

namespace immimic::sim2real::testing {

class FakeAbility {
 public:
  using Clock = std::chrono::steady_clock;
  FakeAbility() : thread_([this] { Serve(); }) {}
  ~FakeAbility() {
    stop_ = true;
    thread_.join();
  }
  const std::string& slave_path() const { return pty_.slave_path(); }

  std::atomic<bool> corrupt_next{false}, silent{false};

  bool api_mode() const { return api_mode_; }
  int dropouts() const { return dropouts_; }  // API mode left for silence
  int commands() const { return commands_; }  // position commands received
  std::array<int16_t, 6> positions() {
    std::lock_guard<std::mutex> lock(mutex_);
    return positions_;
  }

 private:
  void Serve() {
    PppDeframer deframer;
    while (!stop_) {
      for (uint8_t byte : pty_.Read(5)) {
        if (auto frame = deframer.Feed(byte)) Handle(*frame);
      }
      // the hand's watchdog: 300 ms after the last command it leaves API mode
      if (api_mode_ && Clock::now() - last_command_ > std::chrono::milliseconds(300)) {
        api_mode_ = false;
        ++dropouts_;
      }
    }
  }

  void Handle(const std::vector<uint8_t>& frame) {
    AbilityFrame in;
    try {
      in = DecodeAbilityFrame(frame);
    } catch (const ProtocolError&) {
      return;  // the hand ignores a corrupt frame
    }
    const uint8_t mode = in.header & 0xF0;
    const int variant = in.header & 0x0F;
    if ((mode != 0x10 && mode != 0xA0) || variant > 2) return;
    AbilityReply reply;
    reply.variant = variant;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (mode == 0x10) {
        positions_ = AbilityValues(in);
        last_command_ = Clock::now();
        api_mode_ = true;
        ++commands_;
      }
      reply.positions = positions_;
    }
    reply.currents = {10, 20, 30, 40, 50, -60};
    if (silent) return;
    std::vector<uint8_t> wire = EncodeAbilityReply(reply, mode);
    if (corrupt_next.exchange(false)) wire[wire.size() / 2] ^= 0x01;  // a flipped bit
    pty_.Write(wire);
  }

  PtyMaster pty_;
  std::mutex mutex_;
  std::array<int16_t, 6> positions_{};
  Clock::time_point last_command_;
  std::atomic<bool> api_mode_{false};
  std::atomic<int> dropouts_{0}, commands_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace immimic::sim2real::testing
