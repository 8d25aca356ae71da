#pragma once
// Forward kinematics of an end-effector's keypoint sites as a function of the hand part of its
// action (configs/embodiments/<name>.yaml units: Robotiq command 0..255, Fin Ray spacing in m,
// Allegro and Ability joint angles in rad), on a standalone MuJoCo model compiled from the
// end-effector's own MJCF. Points are expressed in the end-effector's TCP frame.
//
// Two ways to honour the model's couplings, picked from the model itself:
//  - direct: each hand dimension sets its actuated joints (a position servo's target is its ctrl,
//    ctrl = offset + scale * value); joint equalities (e.g. Ability PIP from MCP, polycoef
//    relative to qpos0 as MuJoCo 2.2.2 evaluates them) then set the coupled joints; one
//    mj_kinematics call gives the sites. Exact and fast (Allegro, Ability).
//  - tabulated: a model with loop closures (connect or weld equalities: the Robotiq five-bar
//    linkage, the Fin Ray truss) has no closed form, so the free-air quasi-static response is
//    simulated once on a grid over the single hand dimension (gravity and contacts off, the
//    servo settled at each value) and interpolated linearly. Only for one-dimensional hands.
//    The table is simulated once per process and model (about 1 s for the Fin Ray).
// Not thread-safe (one mjData inside): use one instance per thread.

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "envs/embodiment_spec.h"

namespace immimic::mapping {

class HandKinematics {
 public:
  // Grid size of the tabulated mode (samples over [low, high] of the hand dimension).
  static constexpr int kTableSamples = 65;

  // `sites`: local site names in the end-effector MJCF. Throws core::ConfigError for an
  // unknown site, an actuator that is not a position servo on one joint, or loop closures on a
  // hand with more than one dimension; core::SimulationError if the model does not compile.
  HandKinematics(const envs::EmbodimentSpec& spec, const std::vector<std::string>& sites);
  ~HandKinematics();
  HandKinematics(const HandKinematics&) = delete;
  HandKinematics& operator=(const HandKinematics&) = delete;

  int hand_dim() const { return static_cast<int>(low_.size()); }
  int num_points() const { return static_cast<int>(sites_.size()); }
  const Eigen::VectorXd& low() const { return low_; }
  const Eigen::VectorXd& high() const { return high_; }
  bool tabulated() const { return !table_.empty(); }

  // Site positions (3 x num_points, metres, TCP frame) for hand values in action units. Values
  // outside [low, high] throw core::InputError.
  void Points(const Eigen::Ref<const Eigen::VectorXd>& hand, Eigen::Matrix3Xd* points);
  // The same, plus d points / d hand: (3 num_points) x hand_dim, rows x0 y0 z0 x1 ...; from
  // MuJoCo's site Jacobians through the couplings (direct), or the table's slope (tabulated).
  void PointsAndJacobian(const Eigen::Ref<const Eigen::VectorXd>& hand, Eigen::Matrix3Xd* points,
                         Eigen::MatrixXd* jacobian);

  // The free-air settled site positions at `value` simulated afresh (what the table holds at
  // grid points); for checking the table between grid points. Tabulated mode only.
  Eigen::Matrix3Xd SimulateSettled(double value);

 private:
  struct Model;  // MuJoCo model and data, kept out of this header
  struct DimensionJoint {
    int qpos = -1, dof = -1;
    double scale = 1.0, offset = 0.0;
  };
  struct JointCoupling {
    int qpos1 = -1, qpos2 = -1;  // qpos2 < 0: q1 fixed to qpos0 + c0
    int dof1 = -1, dof2 = -1;
    double qpos0_1 = 0.0, qpos0_2 = 0.0;
    double coef[5] = {};
  };

  void CheckHand(const Eigen::Ref<const Eigen::VectorXd>& hand) const;
  void DirectPoints(const Eigen::Ref<const Eigen::VectorXd>& hand, Eigen::Matrix3Xd* points);
  void ReadSites(Eigen::Matrix3Xd* points) const;
  void BuildTable();
  Eigen::Matrix3Xd Settle(double value, int max_steps);

  std::unique_ptr<Model> model_;
  std::string asset_path_;
  std::vector<int> sites_;
  Eigen::VectorXd low_, high_;
  std::vector<std::vector<DimensionJoint>> dimension_joints_;
  std::vector<JointCoupling> couplings_;
  Eigen::Matrix3d tcp_rotation_;  // TCP frame in the end-effector base frame
  Eigen::Vector3d tcp_position_;
  std::vector<Eigen::Matrix3Xd> table_;  // tabulated mode: points per grid sample
  Eigen::MatrixXd dof_jacobian_;         // scratch: d qvel-space / d hand (nv x hand_dim)
  std::vector<double> site_jacobian_;    // scratch: 3 x nv
  // tabulated mode: dimension 0's actuators (id, map)
  std::vector<std::pair<int, envs::ActuatorMap>> actuators_;
};

}  // namespace immimic::mapping
