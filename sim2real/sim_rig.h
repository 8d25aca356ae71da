#pragma once
// The simulation backend: MuJoCo plays the arm, the end-effector and the cameras, so the bridge
// runs end to end with no hardware (configs/hardware/sim_<embodiment>.yaml). Each Read advances
// the physics by one control period under the last command received, as time passes for real
// devices between two reads; until the first command the arm holds its start pose. Faults can be
// injected for tests: a camera that stalls, devices that disconnect, replies that come late.

#include <memory>

#include "envs/env.h"
#include "sim2real/devices.h"

namespace immimic::sim2real {

struct SimFaults {
  int camera_stall_after = -1;  // reads after which the frame's stamp stops advancing
  int disconnect_after = -1;    // reads after which Read and Send throw DeviceError
  double reply_delay = 0.0;     // s each Read sleeps (a slow bus)
};

class SimRig : public RobotDevices, public CameraSource {
 public:
  SimRig(const envs::EnvConfig& config, uint64_t seed, SimFaults faults = {});

  DeviceState Read(double now) override;
  void Send(const Eigen::VectorXd& command) override;
  double Grab(double now, envs::Observation* obs) override;

  // Whether the task is solved in the current state (the hardware-in-the-loop check).
  bool TaskSolved() const;
  const envs::Env& env() const { return env_; }

 private:
  envs::Env env_;
  const envs::Observation* latest_ = nullptr;  // the env's own, updated by Reset and Step
  Eigen::VectorXd command_;                    // what the devices are following
  SimFaults faults_;
  int reads_ = 0;
  double frame_stamp_ = 0.0;
  bool solved_ = false;
};

}  // namespace immimic::sim2real
