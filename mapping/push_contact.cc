#include "mapping/push_contact.h"

#include "core/rotation.h"
#include "envs/env_config.h"

namespace immimic::mapping {

Eigen::Isometry3d PushContactTransform(const envs::PusherGeometry& human,
                                       const envs::PusherGeometry& robot,
                                       const Eigen::Matrix3d& home) {
  // A pusher's TCP is Rz(a + yaw_offset) * home on push line yaw a, at cube - lead * n + height.
  // With R_h the human TCP's rotation, Rz(a) = R_h * home^T * Rz(-yaw_offset_h), so both the
  // turn and the shift are constant in the human TCP frame.
  const auto rz = [](double angle) {
    return Eigen::AngleAxisd(angle, Eigen::Vector3d::UnitZ()).toRotationMatrix();
  };
  const Eigen::Vector3d shift(0.0, human.lead - robot.lead, robot.height - human.height);
  Eigen::Isometry3d m = Eigen::Isometry3d::Identity();
  m.linear() = home.transpose() * rz(robot.yaw_offset - human.yaw_offset) * home;
  m.translation() = home.transpose() * rz(-human.yaw_offset) * shift;
  return m;
}

void ResolveContactTransform(const std::string& task, RetargetConfig* config) {
  config->contact_pos.setZero();
  config->contact_quat.setIdentity();
  if (task != "push" || config->push_contact != PushContact::kExpert) return;
  const Eigen::Isometry3d m = PushContactTransform(
      envs::LoadPusherGeometry("human"), envs::LoadPusherGeometry(config->embodiment),
      core::MatrixFromAxisAngle(envs::EnvConfig().home_axis_angle));
  config->contact_pos = m.translation();
  config->contact_quat = Eigen::Quaterniond(m.linear()).normalized();
}

}  // namespace immimic::mapping
