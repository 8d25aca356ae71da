#pragma once
// The Allegro hand as a HandDevice (sim2real/device_rig.h): the hand takes joint torques (duty)
// and the policy gives joint positions, so a PD loop on the host closes the gap at about 333 Hz
// (the hand's own rate), on its own thread: each cycle reads the sixteen positions, and sends
// duty = kp * (target - q) - kd * dq/dt, clamped to max_duty. Send sets the targets; Read returns
// the last measured positions. A bus fault stops the loop, and the next Read or Send throws it as
// a ProtocolError (the bridge then stops). Until destroyed the loop holds the last target;
// destruction sends zero duty and switches the servo off.
#include <array>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "envs/embodiment_spec.h"
#include "sim2real/allegro_hand.h"
#include "sim2real/device_rig.h"

namespace immimic::sim2real {

struct AllegroLoopConfig {
  // The v4 hand's position unit: 333.3 degrees over the int16 range (its SDK's scale).
  double radians_per_count = 333.3 / 65536.0 * M_PI / 180.0;
  double kp = 600.0;  // duty per radian of error: a starting point to tune on the hand
  double kd = 5.0;    // duty per radian per second
  int max_duty = 800;
  std::chrono::microseconds period{3000};  // 333 Hz
};

class AllegroHandDevice : public HandDevice {
 public:
  // `dimensions`: the embodiment's sixteen (index, middle, ring, thumb; four joints each, rad).
  // Throws core::InputError for another count or a non-positive scale or gain.
  AllegroHandDevice(AllegroHand& hand, const std::vector<envs::HandDimension>& dimensions,
                    const AllegroLoopConfig& config = {});
  ~AllegroHandDevice() override;
  AllegroHandDevice(const AllegroHandDevice&) = delete;
  AllegroHandDevice& operator=(const AllegroHandDevice&) = delete;

  // Switches the servo on, holds the measured pose and starts the loop's thread.
  void Start();
  Eigen::VectorXd Read() override;
  void Send(const Eigen::VectorXd& hand) override;

  // One cycle of the loop, `dt` seconds after the previous one (the thread calls it; tests may
  // call it directly before Start). Returns the duty it sent.
  std::array<int16_t, 16> Step(double dt);
  int cycles() const;

 private:
  void Run();
  std::array<double, 16> Measure();
  void ThrowIfFailed() const;  // with mutex_ held

  AllegroHand& hand_;
  std::vector<envs::HandDimension> dimensions_;
  AllegroLoopConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::array<double, 16> target_{}, measured_{};
  bool have_target_ = false, stop_ = false;
  std::string error_;
  int cycles_ = 0;
  std::array<double, 16> previous_{};  // the loop thread's own: q of the previous cycle
  bool have_previous_ = false;
  std::thread thread_;
};

}  // namespace immimic::sim2real
