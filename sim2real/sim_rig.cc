#include "sim2real/sim_rig.h"

#include <chrono>
#include <thread>

#include "core/rotation.h"

namespace immimic::sim2real {

SimRig::SimRig(const envs::EnvConfig& config, uint64_t seed, SimFaults faults)
    : env_(config), faults_(faults) {
  latest_ = &env_.Reset(seed);
  command_ = env_.HoldAction(env_.embodiment().OpenHand());
}

DeviceState SimRig::Read(double now) {
  if (faults_.disconnect_after >= 0 && reads_ >= faults_.disconnect_after) {
    throw DeviceError("sim rig: devices disconnected (injected)");
  }
  if (faults_.reply_delay > 0) {
    std::this_thread::sleep_for(std::chrono::duration<double>(faults_.reply_delay));
  }
  if (reads_ > 0) {
    const envs::StepResult& step = env_.Step(command_);
    latest_ = &step.obs;
    solved_ = solved_ || step.info.success;
    if (step.truncated && std::string(step.info.truncation_reason) != "time_limit") {
      throw DeviceError(std::string("sim rig: ") + step.info.truncation_reason);
    }
  }
  ++reads_;
  if (faults_.camera_stall_after < 0 || reads_ <= faults_.camera_stall_after) frame_stamp_ = now;
  const envs::Observation& obs = *latest_;
  DeviceState state;
  state.stamp = now;
  state.measured.tcp_position = obs.proprio.head<3>();
  state.measured.tcp_orientation = core::QuatFromWxyz(obs.proprio.data() + 3);
  state.measured.hand = obs.proprio.tail(obs.proprio.size() - 7);
  return state;
}

void SimRig::Send(const Eigen::VectorXd& command) {
  if (faults_.disconnect_after >= 0 && reads_ > faults_.disconnect_after) {
    throw DeviceError("sim rig: devices disconnected (injected)");
  }
  command_ = command;
}

double SimRig::Grab(double, envs::Observation* obs) {
  obs->agentview = latest_->agentview;
  obs->wrist = latest_->wrist;
  return frame_stamp_;
}

bool SimRig::TaskSolved() const { return solved_; }

}  // namespace immimic::sim2real
