#include "mapping/hand_kinematics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include <mujoco/mujoco.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/rotation.h"
#include "envs/mujoco_runtime.h"

namespace immimic::mapping {

struct HandKinematics::Model {
  envs::ModelPtr model;
  envs::DataPtr data;
};

namespace {

// A position servo on one joint: its target joint angle equals its ctrl.
int ServoJoint(const mjModel* m, int actuator, const std::string& where) {
  const bool servo =
      m->actuator_trntype[actuator] == mjTRN_JOINT &&
      m->actuator_gaintype[actuator] == mjGAIN_FIXED &&
      m->actuator_biastype[actuator] == mjBIAS_AFFINE &&
      m->actuator_biasprm[mjNBIAS * actuator + 1] == -m->actuator_gainprm[mjNGAIN * actuator] &&
      m->actuator_gear[6 * actuator] == 1.0;
  IMMIMIC_THROW_UNLESS(servo, core::ConfigError, where,
                       ": retargeting needs a position servo with gear 1 on one joint");
  return m->actuator_trnid[2 * actuator];
}

bool HasLoopClosures(const mjModel* m) {
  for (int e = 0; e < m->neq; ++e) {
    if (m->eq_active[e] && (m->eq_type[e] == mjEQ_CONNECT || m->eq_type[e] == mjEQ_WELD)) {
      return true;
    }
  }
  return false;
}

}  // namespace

HandKinematics::HandKinematics(const envs::EmbodimentSpec& spec,
                               const std::vector<std::string>& sites)
    : model_(std::make_unique<Model>()) {
  IMMIMIC_THROW_UNLESS(spec.is_robot(), core::ConfigError, "retargeting: embodiment '", spec.name,
                       "' is not a robot end-effector");
  IMMIMIC_THROW_UNLESS(!sites.empty(), core::ConfigError, "retargeting: ", spec.name,
                       ": no keypoint sites");
  const std::string path = core::AssetPath(spec.asset);
  asset_path_ = path;
  model_->model = envs::LoadModelFromXml(core::ReadFile(path), path);
  model_->data = envs::MakeData(model_->model.get());
  const mjModel* m = model_->model.get();
  mjData* d = model_->data.get();

  for (const std::string& site : sites) {
    const int id = mj_name2id(m, mjOBJ_SITE, site.c_str());
    IMMIMIC_THROW_UNLESS(id >= 0, core::ConfigError, "retargeting: ", spec.name, ": no site '",
                         site, "' in ", path);
    sites_.push_back(id);
  }
  const int tcp = mj_name2id(m, mjOBJ_SITE, "tcp");
  IMMIMIC_THROW_UNLESS(tcp >= 0, core::ConfigError, "retargeting: no site 'tcp' in ", path);

  low_.resize(spec.hand_dim());
  high_.resize(spec.hand_dim());
  dimension_joints_.resize(spec.hand_dim());
  for (int k = 0; k < spec.hand_dim(); ++k) {
    const envs::HandDimension& dim = spec.hand[k];
    low_[k] = dim.low;
    high_[k] = dim.high;
    for (const envs::ActuatorMap& map : dim.actuators) {
      const int actuator = mj_name2id(m, mjOBJ_ACTUATOR, map.actuator.c_str());
      IMMIMIC_THROW_UNLESS(actuator >= 0, core::ConfigError, "retargeting: ", spec.name,
                           ": no actuator '", map.actuator, "' in ", path);
      const int joint = ServoJoint(m, actuator, spec.name + ": actuator " + map.actuator);
      dimension_joints_[k].push_back(
          {m->jnt_qposadr[joint], m->jnt_dofadr[joint], map.scale, map.offset});
      if (k == 0) actuators_.emplace_back(actuator, map);
    }
  }
  for (int e = 0; e < m->neq; ++e) {
    if (!m->eq_active[e] || m->eq_type[e] != mjEQ_JOINT) continue;
    JointCoupling c;
    c.qpos1 = m->jnt_qposadr[m->eq_obj1id[e]];
    c.dof1 = m->jnt_dofadr[m->eq_obj1id[e]];
    c.qpos0_1 = m->qpos0[c.qpos1];
    if (m->eq_obj2id[e] >= 0) {
      c.qpos2 = m->jnt_qposadr[m->eq_obj2id[e]];
      c.dof2 = m->jnt_dofadr[m->eq_obj2id[e]];
      c.qpos0_2 = m->qpos0[c.qpos2];
    }
    std::copy(m->eq_data + mjNEQDATA * e, m->eq_data + mjNEQDATA * e + 5, c.coef);
    couplings_.push_back(c);
  }

  // the TCP site is fixed on the base; its pose at qpos0 is its pose everywhere
  mj_resetData(m, d);
  mj_kinematics(m, d);
  tcp_position_ = Eigen::Map<const Eigen::Vector3d>(d->site_xpos + 3 * tcp);
  tcp_rotation_ = core::MatrixFromMujoco(d->site_xmat + 9 * tcp);

  if (HasLoopClosures(m)) {
    IMMIMIC_THROW_UNLESS(spec.hand_dim() == 1, core::ConfigError, "retargeting: ", spec.name,
                         " has loop-closure equalities and ", spec.hand_dim(),
                         " hand dimensions; only one-dimensional hands can be tabulated");
    BuildTable();
  }
}

HandKinematics::~HandKinematics() = default;

void HandKinematics::ReadSites(Eigen::Matrix3Xd* points) const {
  const mjData* d = model_->data.get();
  points->resize(3, num_points());
  for (int i = 0; i < num_points(); ++i) {
    const Eigen::Map<const Eigen::Vector3d> p(d->site_xpos + 3 * sites_[i]);
    points->col(i) = tcp_rotation_.transpose() * (p - tcp_position_);
  }
}

void HandKinematics::CheckHand(const Eigen::Ref<const Eigen::VectorXd>& hand) const {
  IMMIMIC_THROW_UNLESS(hand.size() == hand_dim(), core::InputError,
                       "hand kinematics: ", hand.size(), " hand values, expected ", hand_dim());
  for (int k = 0; k < hand_dim(); ++k) {
    IMMIMIC_THROW_UNLESS(hand[k] >= low_[k] && hand[k] <= high_[k], core::InputError,
                         "hand kinematics: value ", hand[k], " of dimension ", k,
                         " outside its range [", low_[k], ", ", high_[k], "]");
  }
}

void HandKinematics::Points(const Eigen::Ref<const Eigen::VectorXd>& hand,
                            Eigen::Matrix3Xd* points) {
  CheckHand(hand);
  if (!tabulated()) return DirectPoints(hand, points);
  const double x = (hand[0] - low_[0]) / (high_[0] - low_[0]) * (kTableSamples - 1);
  const int i = std::min(static_cast<int>(x), kTableSamples - 2);
  const double t = x - i;
  *points = (1.0 - t) * table_[i] + t * table_[i + 1];
}

void HandKinematics::DirectPoints(const Eigen::Ref<const Eigen::VectorXd>& hand,
                                  Eigen::Matrix3Xd* points) {
  const mjModel* m = model_->model.get();
  mjData* d = model_->data.get();
  std::copy(m->qpos0, m->qpos0 + m->nq, d->qpos);
  for (int k = 0; k < hand_dim(); ++k) {
    for (const DimensionJoint& j : dimension_joints_[k]) {
      d->qpos[j.qpos] = j.offset + j.scale * hand[k];
    }
  }
  // couplings may chain (a coupled joint driving another): one pass per coupling suffices
  for (size_t pass = 0; pass < couplings_.size(); ++pass) {
    for (const JointCoupling& c : couplings_) {
      const double x = c.qpos2 >= 0 ? d->qpos[c.qpos2] - c.qpos0_2 : 0.0;
      d->qpos[c.qpos1] = c.qpos0_1 + c.coef[0] +
                         x * (c.coef[1] + x * (c.coef[2] + x * (c.coef[3] + x * c.coef[4])));
    }
  }
  mj_kinematics(m, d);
  ReadSites(points);
}

void HandKinematics::PointsAndJacobian(const Eigen::Ref<const Eigen::VectorXd>& hand,
                                       Eigen::Matrix3Xd* points, Eigen::MatrixXd* jacobian) {
  CheckHand(hand);
  jacobian->resize(3 * num_points(), hand_dim());
  if (tabulated()) {
    const double step = (high_[0] - low_[0]) / (kTableSamples - 1);
    const double x = (hand[0] - low_[0]) / step;
    const int i = std::min(static_cast<int>(x), kTableSamples - 2);
    const double t = x - i;
    *points = (1.0 - t) * table_[i] + t * table_[i + 1];
    const Eigen::Matrix3Xd slope = (table_[i + 1] - table_[i]) / step;
    jacobian->col(0) = Eigen::Map<const Eigen::VectorXd>(slope.data(), slope.size());
    return;
  }
  DirectPoints(hand, points);
  const mjModel* m = model_->model.get();
  mjData* d = model_->data.get();
  // joint velocities per unit of each hand value, through the couplings (same order as the
  // positions were set, so chained couplings see their final drivers)
  dof_jacobian_.setZero(m->nv, hand_dim());
  for (int k = 0; k < hand_dim(); ++k) {
    for (const DimensionJoint& j : dimension_joints_[k]) dof_jacobian_(j.dof, k) = j.scale;
  }
  for (size_t pass = 0; pass < couplings_.size(); ++pass) {
    for (const JointCoupling& c : couplings_) {
      if (c.qpos2 < 0) {
        dof_jacobian_.row(c.dof1).setZero();
        continue;
      }
      const double x = d->qpos[c.qpos2] - c.qpos0_2;
      const double slope =
          c.coef[1] + x * (2 * c.coef[2] + x * (3 * c.coef[3] + x * 4 * c.coef[4]));
      dof_jacobian_.row(c.dof1) = slope * dof_jacobian_.row(c.dof2);
    }
  }
  mj_comPos(m, d);
  site_jacobian_.resize(3 * m->nv);
  for (int i = 0; i < num_points(); ++i) {
    mj_jacSite(m, d, site_jacobian_.data(), nullptr, sites_[i]);
    const Eigen::Map<const Eigen::Matrix<double, 3, Eigen::Dynamic, Eigen::RowMajor>> jac(
        site_jacobian_.data(), 3, m->nv);
    jacobian->middleRows<3>(3 * i) = tcp_rotation_.transpose() * (jac * dof_jacobian_);
  }
}

Eigen::Matrix3Xd HandKinematics::Settle(double value, int max_steps) {
  const mjModel* m = model_->model.get();
  mjData* d = model_->data.get();
  for (const auto& [actuator, map] : actuators_) {
    const double* range = m->actuator_ctrlrange + 2 * actuator;
    d->ctrl[actuator] = std::clamp(map.offset + map.scale * value, range[0], range[1]);
  }
  // settled: every joint at rest for a while (a slow spring mode can pause at a turning point)
  constexpr double kRestSpeed = 1e-5;  // rad/s or m/s: 2e-8 per 2 ms step
  constexpr int kRestSteps = 20;
  int rest = 0;
  for (int step = 0; step < max_steps && rest < kRestSteps; ++step) {
    mj_step(m, d);
    double speed = 0.0;
    for (int v = 0; v < m->nv; ++v) speed = std::max(speed, std::abs(d->qvel[v]));
    rest = speed < kRestSpeed ? rest + 1 : 0;
  }
  mj_kinematics(m, d);
  Eigen::Matrix3Xd points;
  ReadSites(&points);
  return points;
}

void HandKinematics::BuildTable() {
  // the table depends only on the model file and the sites: simulate it once per process
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::vector<int>>, std::vector<Eigen::Matrix3Xd>> cache;
  const std::pair<std::string, std::vector<int>> key(asset_path_, sites_);
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = cache.find(key);
    if (found != cache.end()) {
      table_ = found->second;
      return;
    }
  }
  mjModel* m = model_->model.get();
  mjData* d = model_->data.get();
  // free air: the mechanism's own response, with nothing touching or weighing on it
  m->opt.gravity[0] = m->opt.gravity[1] = m->opt.gravity[2] = 0.0;
  m->opt.disableflags |= mjDSBL_CONTACT;
  mj_resetData(m, d);
  table_.clear();
  for (int s = 0; s < kTableSamples; ++s) {
    const double value = low_[0] + (high_[0] - low_[0]) * s / (kTableSamples - 1);
    // sweeping from the previous sample: each settle starts close to its answer
    table_.push_back(Settle(value, s == 0 ? 5000 : 1000));
  }
  std::lock_guard<std::mutex> lock(mutex);
  cache.emplace(key, table_);
}

Eigen::Matrix3Xd HandKinematics::SimulateSettled(double value) {
  IMMIMIC_THROW_UNLESS(tabulated(), core::InputError,
                       "hand kinematics: SimulateSettled is for tabulated hands");
  IMMIMIC_THROW_UNLESS(value >= low_[0] && value <= high_[0], core::InputError,
                       "hand kinematics: value ", value, " outside [", low_[0], ", ", high_[0],
                       "]");
  mj_resetData(model_->model.get(), model_->data.get());
  return Settle(value, 20000);
}

}  // namespace immimic::mapping
