#include "sim2real/allegro_hand_device.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {

AllegroHandDevice::AllegroHandDevice(AllegroHand& hand,
                                     const std::vector<envs::HandDimension>& dimensions,
                                     const AllegroLoopConfig& config)
    : hand_(hand), dimensions_(dimensions), config_(config) {
  IMMIMIC_THROW_UNLESS(dimensions.size() == 16, core::InputError,
                       "allegro hand: the embodiment has ", dimensions.size(),
                       " hand dimensions, the hand sixteen joints");
  IMMIMIC_THROW_UNLESS(config.radians_per_count > 0 && config.kp > 0 && config.kd >= 0 &&
                           config.max_duty > 0 && config.max_duty <= 32767 &&
                           config.period.count() > 0,
                       core::InputError,
                       "allegro hand: the scale, kp, max_duty (1..32767) and period must be "
                       "positive and kd not negative");
}

AllegroHandDevice::~AllegroHandDevice() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  try {
    hand_.SendDuty({});  // no torque, then the servo off: the fingers go limp, nothing driven
    hand_.Servo(false);
  } catch (const ProtocolError&) {
    // the bus is gone: the hand's own watchdog stops it
  }
}

std::array<double, 16> AllegroHandDevice::Measure() {
  const std::array<int16_t, 16> counts = hand_.ReadPositions();
  std::array<double, 16> q{};
  for (int i = 0; i < 16; ++i) q[i] = counts[i] * config_.radians_per_count;
  return q;
}

void AllegroHandDevice::Start() {
  hand_.Servo(true);
  const std::array<double, 16> q = Measure();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    measured_ = q;
    if (!have_target_) target_ = q;  // hold where it is until the first command
    have_target_ = true;
  }
  thread_ = std::thread([this] { Run(); });
}

std::array<int16_t, 16> AllegroHandDevice::Step(double dt) {
  const std::array<double, 16> q = Measure();
  std::array<double, 16> target;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    measured_ = q;
    target = have_target_ ? target_ : q;
    ++cycles_;
  }
  std::array<int16_t, 16> duty{};
  for (int i = 0; i < 16; ++i) {
    const double velocity = have_previous_ && dt > 0 ? (q[i] - previous_[i]) / dt : 0.0;
    const double u = config_.kp * (target[i] - q[i]) - config_.kd * velocity;
    duty[i] = static_cast<int16_t>(
        std::lround(std::clamp(u, -1.0 * config_.max_duty, 1.0 * config_.max_duty)));
  }
  previous_ = q;
  have_previous_ = true;
  hand_.SendDuty(duty);
  return duty;
}

void AllegroHandDevice::Run() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last = Clock::now(), next = last + config_.period;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_until(lock, next, [this] { return stop_; })) {
    lock.unlock();  // Step takes the lock itself, briefly
    const Clock::time_point now = Clock::now();
    std::string error;
    try {
      Step(std::chrono::duration<double>(now - last).count());
    } catch (const ProtocolError& e) {
      error = e.what();
    }
    last = now;
    next = std::max(next + config_.period, now);  // a late cycle does not bunch the next ones
    lock.lock();
    if (!error.empty()) {
      error_ = error;
      return;  // the bus failed: the loop stops, Read and Send report it
    }
  }
}

void AllegroHandDevice::ThrowIfFailed() const {
  if (!error_.empty()) throw ProtocolError("allegro position loop stopped: " + error_);
}

int AllegroHandDevice::cycles() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cycles_;
}

Eigen::VectorXd AllegroHandDevice::Read() {
  std::lock_guard<std::mutex> lock(mutex_);
  ThrowIfFailed();
  return Eigen::Map<const Eigen::VectorXd>(measured_.data(), 16);
}

void AllegroHandDevice::Send(const Eigen::VectorXd& hand) {
  IMMIMIC_THROW_UNLESS(hand.size() == 16, core::InputError, "allegro hand: ", hand.size(),
                       " values, expected 16");
  std::lock_guard<std::mutex> lock(mutex_);
  ThrowIfFailed();
  for (int i = 0; i < 16; ++i) {
    target_[i] = std::clamp(hand[i], dimensions_[i].low, dimensions_[i].high);
  }
  have_target_ = true;
}

}  // namespace immimic::sim2real
