#pragma once
// The Robotiq 2F-85's register behaviour that both fakes share (Modbus RTU on a pseudo-terminal,
// Modbus TCP on loopback): rACT = 0 resets, rACT = 1 starts an activation that completes after a
// few status polls, and a go-to request reaches its position at once once activated.
#include "sim2real/robotiq_protocol.h"

namespace immimic::sim2real::testing {

class RobotiqModel {
 public:
  void Apply(const RobotiqCommand& c, int activation_polls) {
    if (!c.activate) {
      status_ = {};
      return;
    }
    if (!status_.activated) {
      status_.activated = true;
      status_.activation_state = 1;
      polls_left_ = activation_polls;
    }
    status_.going = c.go_to;
    status_.position_request_echo = c.position;
    if (c.go_to && status_.activation_state == 3) {
      status_.position = c.position;
      status_.object = 3;
    }
  }
  // A status read: activation progresses with each.
  const RobotiqStatus& Poll() {
    if (status_.activated && status_.activation_state != 3 && --polls_left_ <= 0) {
      status_.activation_state = 3;
    }
    return status_;
  }

 private:
  RobotiqStatus status_;
  int polls_left_ = 0;
};

}  // namespace immimic::sim2real::testing
