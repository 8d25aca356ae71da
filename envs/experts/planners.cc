#include "envs/experts/planners.h"

#include <algorithm>

#include <cmath>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::envs {

Eigen::Matrix3d TopDownRotation(const Env& env, double yaw) {
  return Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitZ()).toRotationMatrix() *
         core::MatrixFromAxisAngle(env.config().home_axis_angle);
}

double FoldedYaw(const double* wxyz, double period) {
  const Eigen::Matrix3d r = core::QuatFromWxyz(wxyz).toRotationMatrix();
  const double yaw = std::atan2(r(1, 0), r(0, 0));
  return yaw - period * std::floor(yaw / period + 0.5);
}

Eigen::VectorXd BlendHand(const EmbodimentSpec& spec, double fingers, double thumb) {
  const Eigen::VectorXd open = spec.OpenHand(), closed = spec.ClosedHand();
  Eigen::VectorXd hand(open.size());
  for (int i = 0; i < hand.size(); ++i) {
    const HandDimension& dim = spec.hand[static_cast<size_t>(i)];
    const double k = dim.thumb ? thumb : fingers;
    hand[i] = std::clamp(open[i] + k * (closed[i] - open[i]), dim.low, dim.high);
  }
  return hand;
}

}  // namespace immimic::envs
