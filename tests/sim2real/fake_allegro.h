#pragma once
// An Allegro hand on the CAN transport interface (virtual CAN is unavailable here): servo state,
// joints that move by the duty they are sent (one count per unit per command, as a crude motor),
// replies to position requests, and silence or a garbled reply on demand. One thread drives it;
// the fault flags may be set from another.
#include <array>
#include <atomic>
#include <deque>
#include <optional>

#include "sim2real/allegro_hand.h"

namespace immimic::sim2real::testing {

class FakeAllegro : public CanTransport {
 public:
  void Send(const CanFrame& frame) override {
    const std::optional<AllegroRequest> request = DecodeAllegroRequest(frame);
    if (!request) return;
    switch (request->command) {
      case AllegroCommand::kServoOn:
        servo_ = true;
        break;
      case AllegroCommand::kServoOff:
        servo_ = false;
        break;
      case AllegroCommand::kTorque:
        for (int j = 0; j < 4 && servo_; ++j) counts_[4 * request->finger + j] += request->duty[j];
        break;
      case AllegroCommand::kPositionRequest:
        if (silent) break;
        replies_.push_back(EncodeAllegroPositions(
            request->finger, {counts_[4 * request->finger], counts_[4 * request->finger + 1],
                              counts_[4 * request->finger + 2], counts_[4 * request->finger + 3]}));
        if (garbled) replies_.back().size = 3;
        break;
    }
  }
  std::optional<CanFrame> Receive(int) override {
    if (replies_.empty()) return std::nullopt;
    CanFrame frame = replies_.front();
    replies_.pop_front();
    return frame;
  }
  std::atomic<bool> silent{false}, garbled{false};
  bool servo_on() const { return servo_; }

 private:
  bool servo_ = false;
  std::array<int16_t, 16> counts_{};
  std::deque<CanFrame> replies_;
};

}  // namespace immimic::sim2real::testing
