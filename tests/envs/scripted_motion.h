#pragma once
// Test helpers: move the TCP along a straight line (slerp in orientation) over a duration,
// and read poses out of observations.

#include <Eigen/Geometry>

#include "core/rotation.h"
#include "envs/env.h"

namespace immimic::envs::testing {

// An env config for physics-only tests: the task and embodiment, no images.
inline EnvConfig PhysicsOnlyConfig(const std::string& task, const std::string& embodiment) {
  EnvConfig config;
  config.task = task;
  config.embodiment = embodiment;
  config.images = false;
  return config;
}

inline Eigen::Vector3d TcpPosition(const Observation& obs) { return obs.proprio.head<3>(); }
inline Eigen::Matrix3d TcpRotation(const Observation& obs) {
  return core::QuatFromWxyz(obs.proprio.data() + 3).toRotationMatrix();
}
inline Eigen::Vector3d ObjectPosition(const Observation& obs, int k = 0) {
  return obs.object_state.segment<3>(7 * k);
}
inline double ObjectYaw(const Observation& obs, int k = 0) {
  const Eigen::Matrix3d r =
      core::QuatFromWxyz(obs.object_state.data() + 7 * k + 3).toRotationMatrix();
  return std::atan2(r(1, 0), r(0, 0));
}

// Moves from the current TCP pose to (pos, rot) in `seconds`; returns the last step's result.
inline const StepResult* MoveTcp(Env& env, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot,
                                 const Eigen::VectorXd& hand, double seconds) {
  const Observation& start = env.Step(env.HoldAction(hand)).obs;
  const Eigen::Vector3d from_pos = TcpPosition(start);
  const Eigen::Quaterniond from_rot(TcpRotation(start)), to_rot(rot);
  const int steps = std::max(1, static_cast<int>(seconds * env.config().control_hz));
  Eigen::VectorXd action(env.action_dim());
  const StepResult* result = nullptr;
  for (int i = 1; i <= steps; ++i) {
    const double s = static_cast<double>(i) / steps;
    action.head<3>() = from_pos + s * (pos - from_pos);
    action.segment<3>(3) = core::AxisAngleFromQuat(from_rot.slerp(s, to_rot));
    action.tail(hand.size()) = hand;
    result = &env.Step(action);
  }
  return result;
}

}  // namespace immimic::envs::testing
