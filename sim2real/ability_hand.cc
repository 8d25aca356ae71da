#include "sim2real/ability_hand.h"

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {

AbilityHand::AbilityHand(ByteTransport& transport, int reply_variant, int timeout_ms,
                         std::chrono::milliseconds keep_alive_after)
    : transport_(transport),
      reply_variant_(reply_variant),
      timeout_ms_(timeout_ms),
      keep_alive_after_(keep_alive_after) {
  AbilityReplySize(reply_variant);  // throws for a variant other than 0..2
}

AbilityReply AbilityHand::SetPositions(const std::array<double, 6>& degrees) {
  std::vector<uint8_t> wire = EncodeAbilityPositionCommand(degrees, reply_variant_);
  std::lock_guard<std::mutex> lock(mutex_);
  last_command_ = wire;
  return Exchange(wire);
}

AbilityReply AbilityHand::ReadOnly() {
  const std::vector<uint8_t> wire = EncodeAbilityReadOnly(reply_variant_);
  std::lock_guard<std::mutex> lock(mutex_);
  return Exchange(wire);
}

bool AbilityHand::KeepAlive(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (last_command_.empty() || now - last_sent_ < keep_alive_after_) return false;
  Exchange(last_command_);
  return true;
}

AbilityReply AbilityHand::Exchange(const std::vector<uint8_t>& wire) {
  // a reply that came after an earlier timeout must not answer this request (bounded: a line
  // that never stops talking still gets its request)
  for (int i = 0; i < 64 && !transport_.Read(512, 0).empty(); ++i) {
  }
  transport_.Write(wire);
  last_sent_ = Clock::now();
  const auto deadline = last_sent_ + std::chrono::milliseconds(timeout_ms_);
  PppDeframer deframer;
  std::string last_fault;  // of the last frame that was not a valid reply
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      throw ProtocolError("ability: no valid reply within " + std::to_string(timeout_ms_) + " ms" +
                          (last_fault.empty() ? "" : " (" + last_fault + ")"));
    }
    for (uint8_t byte : transport_.Read(512, static_cast<int>(left))) {
      const std::optional<std::vector<uint8_t>> frame = deframer.Feed(byte);
      if (!frame) continue;
      try {
        return DecodeAbilityReply(*frame);
      } catch (const ProtocolError& e) {
        last_fault = e.what();  // noise on the line: keep waiting for the reply
      }
    }
  }
}

AbilityKeepAlive::AbilityKeepAlive(AbilityHand& hand, std::chrono::milliseconds poll)
    : hand_(hand), poll_(poll), thread_([this] { Run(); }) {}

AbilityKeepAlive::~AbilityKeepAlive() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int AbilityKeepAlive::resent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resent_;
}

std::string AbilityKeepAlive::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

void AbilityKeepAlive::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, poll_, [this] { return stop_; })) {
    lock.unlock();  // the exchange must not hold our lock: error() and ~ need it
    std::string error;
    bool sent = false;
    try {
      sent = hand_.KeepAlive(AbilityHand::Clock::now());
    } catch (const ProtocolError& e) {
      error = e.what();
    }
    lock.lock();
    resent_ += sent;
    if (!error.empty()) error_ = error;
  }
}

}  // namespace immimic::sim2real
