#pragma once
// Moves the tool centre point (TCP) to an absolute pose target. Two implementations:
//  - ArmPoseDriver: the Panda arm. Damped-least-squares IK (warm-started, within joint limits,
//    null-space pull to a home posture) gives joint targets once per policy step; per physics
//    substep the joint impedance actuators track a linear interpolation of them while
//    qfrc_applied cancels gravity and Coriolis forces (the previous substep's qfrc_bias).
//  - MocapPoseDriver: the human hand. A mocap body welded to the hand moves along the
//    interpolated pose (linear in position, slerp in orientation).
// Neither allocates after construction.

#include <mujoco/mujoco.h>

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <array>

#include "envs/mujoco_runtime.h"

namespace immimic::envs {

class PoseDriver {
 public:
  virtual ~PoseDriver() = default;
  // Places the TCP at the pose at once (episode reset). `d` holds the reset state.
  virtual void Teleport(mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) = 0;
  // A new target for the coming policy step.
  virtual void SetTarget(const mjData* d, const Eigen::Vector3d& pos,
                         const Eigen::Matrix3d& rot) = 0;
  // Before each substep; `fraction` in (0, 1] runs through the policy step.
  virtual void Apply(mjData* d, double fraction) = 0;
};

struct IkOptions {
  int max_iterations = 30;     // per policy step (warm-started)
  int reset_iterations = 300;  // at reset (cold)
  double damping = 0.02;       // DLS lambda
  double nullspace_gain = 0.1;
  double position_tolerance = 2e-5;     // m
  double orientation_tolerance = 2e-4;  // rad
};

using ArmVector = Eigen::Matrix<double, 7, 1>;

class ArmPoseDriver : public PoseDriver {
 public:
  // `joints`: the 7 arm joint ids; `tcp_site`: the end-effector's tcp site id.
  ArmPoseDriver(const mjModel* m, const std::array<int, 7>& joints,
                const std::array<int, 7>& actuators, int tcp_site, const ArmVector& home,
                IkOptions options = {});

  void Teleport(mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) override;
  void SetTarget(const mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) override;
  void Apply(mjData* d, double fraction) override;

  // Solves IK from `start`; returns the joint solution and writes the residual errors.
  ArmVector SolveIk(const ArmVector& start, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot,
                    int iterations, double* position_error, double* orientation_error);
  const ArmVector& joint_target() const { return target_; }
  double last_position_error() const { return position_error_; }
  double last_orientation_error() const { return orientation_error_; }

 private:
  const mjModel* m_;
  DataPtr scratch_;  // IK works on its own mjData: the simulation state is never touched
  std::array<int, 7> qpos_adr_, dof_adr_, actuators_;
  int tcp_site_;
  ArmVector home_, low_, high_;
  IkOptions options_;
  ArmVector previous_target_ = ArmVector::Zero();
  ArmVector target_ = ArmVector::Zero();
  double position_error_ = 0, orientation_error_ = 0;
};

class MocapPoseDriver : public PoseDriver {
 public:
  // `base_body`: the hand's free root; `mocap_body`: its welded target; `tcp_site` on the hand.
  MocapPoseDriver(const mjModel* m, int base_body, int mocap_body, int tcp_site);

  void Teleport(mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) override;
  void SetTarget(const mjData* d, const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot) override;
  void Apply(mjData* d, double fraction) override;

 private:
  // The base pose that puts the TCP at (pos, rot).
  void BasePoseFor(const Eigen::Vector3d& pos, const Eigen::Matrix3d& rot,
                   Eigen::Vector3d* base_pos, Eigen::Quaterniond* base_quat) const;

  const mjModel* m_;
  int base_body_, mocap_id_, free_qpos_adr_, free_dof_adr_;
  Eigen::Vector3d tcp_in_base_pos_;
  Eigen::Matrix3d tcp_in_base_rot_;
  Eigen::Vector3d from_pos_, to_pos_;
  Eigen::Quaterniond from_quat_, to_quat_;
};

}  // namespace immimic::envs
