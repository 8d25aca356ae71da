#include "envs/pose_driver.h"

#include <algorithm>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::envs {

using Matrix6x7 = Eigen::Matrix<double, 6, 7>;
using Vector6 = Eigen::Matrix<double, 6, 1>;

ArmPoseDriver::ArmPoseDriver(const mjModel* m, const std::array<int, 7>& joints,
                             const std::array<int, 7>& actuators, int tcp_site,
                             const ArmVector& home, IkOptions options)
    : m_(m),
      scratch_(MakeData(m)),
      actuators_(actuators),
      tcp_site_(tcp_site),
      home_(home),
      options_(options) {
  for (int i = 0; i < 7; ++i) {
    const int j = joints[i];
    IMMIMIC_THROW_UNLESS(m->jnt_type[j] == mjJNT_HINGE, core::InputError, "arm joint ", i,
                         " is not a hinge");
    qpos_adr_[i] = m->jnt_qposadr[j];
    dof_adr_[i] = m->jnt_dofadr[j];
    // keep a small margin so the servo never presses into a limit
    low_[i] = m->jnt_range[2 * j] + 1e-3;
    high_[i] = m->jnt_range[2 * j + 1] - 1e-3;
  }
}

ArmVector ArmPoseDriver::SolveIk(const ArmVector& start, const Eigen::Vector3d& pos,
                                 const Eigen::Matrix3d& rot, int iterations, double* position_error,
                                 double* orientation_error) {
  mjData* s = scratch_.get();
  ArmVector q = start;
  const int body = m_->site_bodyid[tcp_site_];
  for (int iteration = 0;; ++iteration) {
    for (int i = 0; i < 7; ++i) s->qpos[qpos_adr_[i]] = q[i];
    mj_kinematics(m_, s);
    const Eigen::Map<const Eigen::Vector3d> site_pos(s->site_xpos + 3 * tcp_site_);
    const Eigen::Matrix3d site_rot = core::MatrixFromMujoco(s->site_xmat + 9 * tcp_site_);
    Vector6 error;
    error.head<3>() = pos - site_pos;
    error.tail<3>() = core::OrientationError(rot, site_rot);
    *position_error = error.head<3>().norm();
    *orientation_error = error.tail<3>().norm();
    if ((*position_error < options_.position_tolerance &&
         *orientation_error < options_.orientation_tolerance) ||
        iteration >= iterations) {
      return q;
    }
    // every arm joint is a hinge: the Jacobian follows from joint axes and anchors directly
    Matrix6x7 jacobian;
    for (int i = 0; i < 7; ++i) {
      const int joint = m_->dof_jntid[dof_adr_[i]];
      const Eigen::Map<const Eigen::Vector3d> axis(s->xaxis + 3 * joint);
      const Eigen::Map<const Eigen::Vector3d> anchor(s->xanchor + 3 * joint);
      // the arm chain is an ancestor of the tcp body, so each hinge moves the site
      jacobian.block<3, 1>(0, i) = axis.cross(site_pos - anchor);
      jacobian.block<3, 1>(3, i) = axis;
    }
    (void)body;
    // damping shrinks with the error: robust far away, exact convergence close by
    const double lambda = options_.damping * std::min(1.0, error.norm() / 0.05);
    const Eigen::Matrix<double, 6, 6> jjt =
        jacobian * jacobian.transpose() + lambda * lambda * Eigen::Matrix<double, 6, 6>::Identity();
    const Eigen::Matrix<double, 7, 6> pseudo_inverse =
        jacobian.transpose() * jjt.ldlt().solve(Eigen::Matrix<double, 6, 6>::Identity());
    ArmVector step = pseudo_inverse * error;
    // the posture pull uses a damped projector that leaks into the task, so it only acts while
    // the target is still far (it picks the elbow configuration, not the final accuracy)
    if (*position_error > 0.01 || *orientation_error > 0.05) {
      const Eigen::Matrix<double, 7, 7> nullspace =
          Eigen::Matrix<double, 7, 7>::Identity() - pseudo_inverse * jacobian;
      step += nullspace * (options_.nullspace_gain * (home_ - q));
    }
    q = (q + step).cwiseMax(low_).cwiseMin(high_);
  }
}

void ArmPoseDriver::Teleport(mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) {
  for (int i = 0; i < m_->nq; ++i) scratch_->qpos[i] = d->qpos[i];
  target_ =
      SolveIk(home_, pos, rot, options_.reset_iterations, &position_error_, &orientation_error_);
  previous_target_ = target_;
  for (int i = 0; i < 7; ++i) {
    d->qpos[qpos_adr_[i]] = target_[i];
    d->qvel[dof_adr_[i]] = 0;
    d->ctrl[actuators_[i]] = target_[i];
  }
}

void ArmPoseDriver::SetTarget(const mjData* d, const Eigen::Vector3d& pos,
                              const Eigen::Matrix3d& rot) {
  previous_target_ = target_;
  target_ =
      SolveIk(target_, pos, rot, options_.max_iterations, &position_error_, &orientation_error_);
  if (position_error_ > 1e-3 || orientation_error_ > 1e-2) {
    // stuck against a joint limit: a cold start from the home posture may find another branch
    double position_error = 0, orientation_error = 0;
    const ArmVector fresh =
        SolveIk(home_, pos, rot, options_.reset_iterations, &position_error, &orientation_error);
    if (position_error + orientation_error < position_error_ + orientation_error_) {
      target_ = fresh;
      position_error_ = position_error;
      orientation_error_ = orientation_error;
    }
  }
}

void ArmPoseDriver::Apply(mjData* d, double fraction) {
  for (int i = 0; i < 7; ++i) {
    d->ctrl[actuators_[i]] = previous_target_[i] + fraction * (target_[i] - previous_target_[i]);
    d->qfrc_applied[dof_adr_[i]] = d->qfrc_bias[dof_adr_[i]];
  }
}

MocapPoseDriver::MocapPoseDriver(const mjModel* m, int base_body, int mocap_body, int tcp_site)
    : m_(m), base_body_(base_body), mocap_id_(m->body_mocapid[mocap_body]) {
  IMMIMIC_THROW_UNLESS(mocap_id_ >= 0, core::InputError, "wrist target body is not a mocap body");
  const int joint = m->body_jntadr[base_body];
  IMMIMIC_THROW_UNLESS(joint >= 0 && m->jnt_type[joint] == mjJNT_FREE, core::InputError,
                       "hand root body needs a free joint");
  free_qpos_adr_ = m->jnt_qposadr[joint];
  free_dof_adr_ = m->jnt_dofadr[joint];
  // tcp pose in the base frame, from the model's reference configuration
  DataPtr d = MakeData(m);
  mj_kinematics(m, d.get());
  const Eigen::Map<const Eigen::Vector3d> base_pos(d->xpos + 3 * base_body);
  const Eigen::Matrix3d base_rot = core::MatrixFromMujoco(d->xmat + 9 * base_body);
  const Eigen::Map<const Eigen::Vector3d> tcp_pos(d->site_xpos + 3 * tcp_site);
  const Eigen::Matrix3d tcp_rot = core::MatrixFromMujoco(d->site_xmat + 9 * tcp_site);
  // the tcp must not depend on finger joints: it sits on the base body
  IMMIMIC_THROW_UNLESS(m->site_bodyid[tcp_site] == base_body, core::InputError,
                       "the hand's tcp site must be on its base body");
  tcp_in_base_pos_ = base_rot.transpose() * (tcp_pos - base_pos);
  tcp_in_base_rot_ = base_rot.transpose() * tcp_rot;
}

void MocapPoseDriver::BasePoseFor(const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot,
                                  Eigen::Vector3d* base_pos, Eigen::Quaterniond* base_quat) const {
  const Eigen::Matrix3d base_rot = rot * tcp_in_base_rot_.transpose();
  *base_pos = pos - base_rot * tcp_in_base_pos_;
  *base_quat = Eigen::Quaterniond(base_rot).normalized();
}

void MocapPoseDriver::Teleport(mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) {
  BasePoseFor(pos, rot, &to_pos_, &to_quat_);
  from_pos_ = to_pos_;
  from_quat_ = to_quat_;
  double* q = d->qpos + free_qpos_adr_;
  q[0] = to_pos_.x();
  q[1] = to_pos_.y();
  q[2] = to_pos_.z();
  q[3] = to_quat_.w();
  q[4] = to_quat_.x();
  q[5] = to_quat_.y();
  q[6] = to_quat_.z();
  for (int i = 0; i < 6; ++i) d->qvel[free_dof_adr_ + i] = 0;
  Apply(d, 1.0);
}

void MocapPoseDriver::SetTarget(const mjData* d, const Eigen::Vector3d& pos,
                                const Eigen::Matrix3d& rot) {
  from_pos_ = to_pos_;
  from_quat_ = to_quat_;
  BasePoseFor(pos, rot, &to_pos_, &to_quat_);
}

void MocapPoseDriver::Apply(mjData* d, double fraction) {
  const Eigen::Vector3d pos = from_pos_ + fraction * (to_pos_ - from_pos_);
  const Eigen::Quaterniond quat = from_quat_.slerp(fraction, to_quat_);
  double* mp = d->mocap_pos + 3 * mocap_id_;
  double* mq = d->mocap_quat + 4 * mocap_id_;
  mp[0] = pos.x();
  mp[1] = pos.y();
  mp[2] = pos.z();
  mq[0] = quat.w();
  mq[1] = quat.x();
  mq[2] = quat.y();
  mq[3] = quat.z();
}

}  // namespace immimic::envs
