#pragma once
// An arm controller process emulated on its own thread behind the arm link's server side
// (sim2real/arm_link.h): it reaches every pose target at once and advances its clock by one
// control period per command. For the arm link's tests and round-trip benchmark.
#include <atomic>
#include <string>
#include <thread>

#include "sim2real/arm_link.h"

namespace immimic::sim2real::testing {

class FakeArmController {
 public:
  explicit FakeArmController(const ArmServerConfig& config)
      : server_(config,
                [this](const ArmCommand& c) {
                  if (c.kind == ArmCommandKind::kPoseTarget) {
                    state_.position = c.position;
                    state_.quaternion_wxyz = c.quaternion_wxyz;
                  }
                  state_.stamp += 1.0 / 30;
                  return state_;
                }),
        thread_([this] {
          while (!stop_) server_.ServeOne(20);
        }) {}
  ~FakeArmController() {
    stop_ = true;
    thread_.join();
  }
  std::string endpoint() const { return server_.endpoint(); }
  int rejected() const { return server_.rejected(); }

 private:
  ArmState state_;
  ArmServer server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace immimic::sim2real::testing
