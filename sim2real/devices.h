#pragma once
// What the bridge loop talks to (sim2real/bridge.h), whatever plays the devices: the arm with
// its end-effector, the cameras and the e-stop. Real drivers and the MuJoCo backend
// (sim2real/sim_rig.h) implement these; times are seconds on the loop's steady clock.

#include <Eigen/Core>
#include <string>

#include "envs/env.h"
#include "sim2real/safety_filter.h"

namespace immimic::sim2real {

// A device that stopped answering or answered garbage; the loop stops safely on it.
class DeviceError : public core::Error {
 public:
  using core::Error::Error;
};

struct DeviceState {
  MeasuredState measured;
  double stamp = 0.0;  // when the devices measured it
};

class RobotDevices {
 public:
  virtual ~RobotDevices() = default;
  // The latest measured state. Throws DeviceError.
  virtual DeviceState Read(double now) = 0;
  // A filtered command [TCP position 3, axis-angle 3, hand dims]. Throws DeviceError.
  virtual void Send(const Eigen::VectorXd& command) = 0;
};

class CameraSource {
 public:
  virtual ~CameraSource() = default;
  // Fills obs->agentview (and obs->wrist where there is one) with the latest frames and returns
  // their capture time. Throws DeviceError.
  virtual double Grab(double now, envs::Observation* obs) = 0;
};

class StopInput {
 public:
  virtual ~StopInput() = default;
  // Non-empty while a stop is requested (e-stop pressed, operator interrupt): the reason.
  virtual std::string Requested() = 0;
};

}  // namespace immimic::sim2real
