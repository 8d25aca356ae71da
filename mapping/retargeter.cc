#include "mapping/retargeter.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/Geometry>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::mapping {
namespace {

std::vector<std::string> SitesOf(const RetargetConfig& config) {
  std::vector<std::string> sites;
  for (const KeypointPair& pair : config.keypoints) sites.push_back(pair.site);
  return sites;
}

constexpr double kBoundTolerance = 1e-9;  // normalised units: a value this close is on its bound

}  // namespace

FrameRetargeter::FrameRetargeter(const envs::EmbodimentSpec& spec, const RetargetConfig& config)
    : spec_(spec), config_(config), kinematics_(spec, SitesOf(config)) {
  IMMIMIC_THROW_UNLESS(config.embodiment == spec.name, core::ConfigError,
                       "retargeting: config is for '", config.embodiment, "', embodiment is '",
                       spec.name, "'");
  low_ = kinematics_.low();
  range_ = kinematics_.high() - kinematics_.low();
}

void FrameRetargeter::Residual(const Eigen::VectorXd& u, const Eigen::Matrix3Xd& human_tcp,
                               Eigen::VectorXd* r, Eigen::MatrixXd* jacobian) {
  q_ = low_ + u.cwiseProduct(range_);
  // rounding can put low + u * range a hair past high
  q_ = q_.cwiseMax(kinematics_.low()).cwiseMin(kinematics_.high());
  if (jacobian) {
    kinematics_.PointsAndJacobian(q_, &points_, &point_jacobian_);
  } else {
    kinematics_.Points(q_, &points_);
  }
  const std::vector<KeypointPair>& pairs = config_.keypoints;
  if (config_.objective == RetargetObjective::kAperture) {
    const double human = (human_tcp.col(pairs[0].human) - human_tcp.col(pairs[1].human)).norm();
    const double target = config_.alpha * human + config_.aperture_offset;
    const Eigen::Vector3d gap = points_.col(0) - points_.col(1);
    r->resize(1);
    (*r)[0] = target - gap.norm();
    if (jacobian) {
      // d|g| = g^T / |g| dg
      const Eigen::RowVector3d direction = gap.norm() > 1e-12
                                               ? Eigen::RowVector3d(gap.transpose() / gap.norm())
                                               : Eigen::RowVector3d::Zero();
      *jacobian = -direction * (point_jacobian_.topRows<3>() - point_jacobian_.middleRows<3>(3)) *
                  range_.asDiagonal();
    }
    return;
  }
  r->resize(3 * static_cast<int>(pairs.size()));
  if (jacobian) jacobian->resize(r->size(), u.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    const double w = std::sqrt(pairs[i].weight);
    r->segment<3>(3 * i) = w * (config_.alpha * human_tcp.col(pairs[i].human) - points_.col(i));
    if (jacobian) {
      jacobian->middleRows<3>(3 * i) =
          -w * point_jacobian_.middleRows<3>(3 * i) * range_.asDiagonal();
    }
  }
}

double FrameRetargeter::Cost(const Eigen::VectorXd& r, const Eigen::VectorXd& u,
                             const Eigen::VectorXd* u_prev) const {
  double cost = r.squaredNorm();
  if (u_prev) cost += config_.beta * (u - *u_prev).squaredNorm();
  return cost;
}

FrameSolution FrameRetargeter::Solve(const Eigen::Matrix3Xd& human_tcp,
                                     const Eigen::VectorXd* previous) {
  IMMIMIC_THROW_UNLESS(human_tcp.cols() == kHumanKeypoints && human_tcp.allFinite(),
                       core::InputError, "retargeting: need 21 finite human keypoints, got ",
                       human_tcp.cols(), human_tcp.allFinite() ? "" : " with NaN or Inf");
  const int n = kinematics_.hand_dim();
  const Eigen::VectorXd start = previous ? *previous : spec_.OpenHand();
  IMMIMIC_THROW_UNLESS(start.size() == n && start.allFinite(), core::InputError,
                       "retargeting: previous solution has ", start.size(), " values, expected ",
                       n);
  Eigen::VectorXd u = ((start - low_).cwiseQuotient(range_)).cwiseMax(0.0).cwiseMin(1.0);
  const Eigen::VectorXd u_prev = u;
  const Eigen::VectorXd* prior = previous ? &u_prev : nullptr;

  Eigen::VectorXd r, r_trial;
  Eigen::MatrixXd jacobian;
  Residual(u, human_tcp, &r, &jacobian);
  double cost = Cost(r, u, prior);
  double lambda = 1e-3;
  int iteration = 0;
  for (; iteration < config_.max_iterations; ++iteration) {
    Eigen::VectorXd gradient = jacobian.transpose() * r;
    Eigen::MatrixXd hessian = jacobian.transpose() * jacobian;
    if (prior) {
      gradient += config_.beta * (u - *prior);
      hessian.diagonal().array() += config_.beta;
    }
    // dimensions on a bound whose descent direction leaves the box stay put
    std::vector<int> free;
    for (int k = 0; k < n; ++k) {
      const bool blocked = (u[k] <= kBoundTolerance && gradient[k] > 0.0) ||
                           (u[k] >= 1.0 - kBoundTolerance && gradient[k] < 0.0);
      if (!blocked) free.push_back(k);
    }
    if (free.empty()) break;
    const int f = static_cast<int>(free.size());
    Eigen::MatrixXd h_free(f, f);
    Eigen::VectorXd g_free(f);
    for (int a = 0; a < f; ++a) {
      g_free[a] = gradient[free[a]];
      for (int b = 0; b < f; ++b) h_free(a, b) = hessian(free[a], free[b]);
    }
    bool accepted = false;
    Eigen::VectorXd u_trial;
    double cost_trial = cost;
    for (int attempt = 0; attempt < 12 && !accepted; ++attempt) {
      Eigen::MatrixXd damped = h_free;
      damped.diagonal() += lambda * h_free.diagonal() + Eigen::VectorXd::Constant(f, 1e-12);
      const Eigen::VectorXd step = damped.ldlt().solve(-g_free);
      u_trial = u;
      for (int a = 0; a < f; ++a) u_trial[free[a]] += step[a];
      u_trial = u_trial.cwiseMax(0.0).cwiseMin(1.0);
      Residual(u_trial, human_tcp, &r_trial, nullptr);
      cost_trial = Cost(r_trial, u_trial, prior);
      if (cost_trial < cost) {
        accepted = true;
        lambda = std::max(lambda / 3.0, 1e-9);
      } else {
        lambda *= 10.0;
      }
    }
    if (!accepted) break;
    const double moved = (u_trial - u).cwiseAbs().maxCoeff();
    const double gain = cost - cost_trial;
    u = u_trial;
    cost = cost_trial;
    Residual(u, human_tcp, &r, &jacobian);
    // converged: no move, or the cost no longer falls by a relevant amount (1e-12 m^2 is a
    // micrometre of keypoint error)
    if (moved < 1e-10 || gain < 1e-6 * cost + 1e-12) {
      ++iteration;
      break;
    }
  }

  FrameSolution solution;
  solution.hand =
      (low_ + u.cwiseProduct(range_)).cwiseMax(kinematics_.low()).cwiseMin(kinematics_.high());
  solution.iterations = iteration;
  for (int k = 0; k < n; ++k) {
    solution.limit_hits += (u[k] <= kBoundTolerance || u[k] >= 1.0 - kBoundTolerance) ? 1 : 0;
  }
  // unweighted error, in metres (r holds the residual at u)
  if (config_.objective == RetargetObjective::kAperture) {
    solution.residual = std::abs(r[0]);
  } else {
    double sum = 0.0;
    for (size_t i = 0; i < config_.keypoints.size(); ++i) {
      sum += r.segment<3>(3 * i).squaredNorm() / config_.keypoints[i].weight;
    }
    solution.residual = std::sqrt(sum / config_.keypoints.size());
  }
  return solution;
}

Eigen::Matrix3Xd KeypointsInTcpFrame(const Eigen::Ref<const Eigen::RowVectorXd>& keypoints,
                                     const Eigen::Ref<const Eigen::RowVectorXd>& wrist_pose,
                                     const RetargetConfig& config) {
  const Eigen::Quaterniond wrist_quat(wrist_pose[3], wrist_pose[4], wrist_pose[5], wrist_pose[6]);
  const Eigen::Matrix3d wrist_rotation = wrist_quat.normalized().toRotationMatrix();
  const Eigen::Matrix3d rotation = wrist_rotation * config.mount_quat.toRotationMatrix();
  const Eigen::Vector3d origin =
      wrist_pose.head<3>().transpose() + wrist_rotation * config.mount_pos;
  Eigen::Matrix3Xd points(3, kHumanKeypoints);
  for (int i = 0; i < kHumanKeypoints; ++i) {
    points.col(i) = rotation.transpose() * (keypoints.segment<3>(3 * i).transpose() - origin);
  }
  return points;
}

namespace {

struct TcpPose {
  Eigen::Vector3d position;
  Eigen::Quaterniond orientation;
};

TcpPose TcpFromWrist(const Eigen::Ref<const Eigen::RowVectorXd>& wrist,
                     const RetargetConfig& config) {
  const Eigen::Quaterniond q =
      Eigen::Quaterniond(wrist[3], wrist[4], wrist[5], wrist[6]).normalized();
  const Eigen::Quaterniond tcp = q * config.mount_quat;
  return {wrist.head<3>().transpose() + q * config.mount_pos + tcp * config.contact_pos,
          (tcp * config.contact_quat).normalized()};
}

// q or -q, whichever is nearer `reference`: interpolation and filtering then take the short way
Eigen::Quaterniond SameHemisphere(const Eigen::Quaterniond& q,
                                  const Eigen::Quaterniond& reference) {
  return q.dot(reference) < 0.0 ? Eigen::Quaterniond(-q.coeffs()) : q;
}

}  // namespace

RetargetedDemo RetargetSequence(FrameRetargeter& retargeter, const HumanFrames& frames) {
  const int rows = static_cast<int>(frames.keypoints.rows());
  IMMIMIC_THROW_UNLESS(rows > 0, core::InputError, "retargeting: a demo with no frames");
  IMMIMIC_THROW_UNLESS(frames.keypoints.cols() == 3 * kHumanKeypoints, core::InputError,
                       "retargeting: keypoints have ", frames.keypoints.cols(),
                       " values per frame, expected 63 (21 x 3)");
  IMMIMIC_THROW_UNLESS(frames.wrist_pose.rows() == rows && frames.wrist_pose.cols() == 7,
                       core::InputError, "retargeting: wrist_pose is ", frames.wrist_pose.rows(),
                       " x ", frames.wrist_pose.cols(), ", expected ", rows, " x 7");
  IMMIMIC_THROW_UNLESS(frames.detected.empty() || static_cast<int>(frames.detected.size()) == rows,
                       core::InputError, "retargeting: hand_detected has ", frames.detected.size(),
                       " frames, expected ", rows);
  const RetargetConfig& config = retargeter.config();
  const int n = retargeter.spec().hand_dim();

  // solve the detected frames in order, each warm-started from the last
  std::vector<int> solved;
  std::vector<Eigen::VectorXd> hand(rows);
  std::vector<TcpPose> pose(rows);
  RetargetQuality quality;
  quality.frames = rows;
  const Eigen::VectorXd* previous = nullptr;
  int limit_hits = 0;
  long iterations = 0;
  for (int t = 0; t < rows; ++t) {
    const bool finite = frames.keypoints.row(t).allFinite() && frames.wrist_pose.row(t).allFinite();
    if (!frames.detected.empty()) {
      if (!frames.detected[t]) continue;
      IMMIMIC_THROW_UNLESS(finite, core::InputError, "retargeting: frame ", t,
                           " is marked detected but has NaN or Inf keypoints or wrist pose");
    } else if (!finite) {
      continue;
    }
    const double quat_norm = frames.wrist_pose.row(t).tail<4>().norm();
    IMMIMIC_THROW_UNLESS(quat_norm > 0.5 && quat_norm < 1.5, core::InputError,
                         "retargeting: frame ", t, ": wrist quaternion norm ", quat_norm,
                         " is not near 1");
    const FrameSolution s = retargeter.Solve(
        KeypointsInTcpFrame(frames.keypoints.row(t), frames.wrist_pose.row(t), config), previous);
    hand[t] = s.hand;
    previous = &hand[t];
    pose[t] = TcpFromWrist(frames.wrist_pose.row(t), config);
    if (!solved.empty()) {
      pose[t].orientation = SameHemisphere(pose[t].orientation, pose[solved.back()].orientation);
    }
    solved.push_back(t);
    const double mm = 1000.0 * s.residual;
    quality.residual_mm_mean += mm;
    quality.residual_mm_max = std::max(quality.residual_mm_max, mm);
    limit_hits += s.limit_hits;
    iterations += s.iterations;
  }
  IMMIMIC_THROW_UNLESS(!solved.empty(), core::InputError,
                       "retargeting: the hand is detected in none of the ", rows, " frames");
  quality.detected_frames = static_cast<int>(solved.size());
  quality.residual_mm_mean /= solved.size();
  quality.limit_hit_fraction = static_cast<double>(limit_hits) / (solved.size() * n);
  quality.mean_iterations = static_cast<double>(iterations) / solved.size();

  // undetected frames: hold before the first and after the last solved frame, else interpolate
  for (int t = 0; t < solved.front(); ++t) {
    hand[t] = hand[solved.front()];
    pose[t] = pose[solved.front()];
  }
  for (int t = solved.back() + 1; t < rows; ++t) {
    hand[t] = hand[solved.back()];
    pose[t] = pose[solved.back()];
  }
  for (size_t s = 0; s + 1 < solved.size(); ++s) {
    const int a = solved[s], b = solved[s + 1];
    for (int t = a + 1; t < b; ++t) {
      const double w = static_cast<double>(t - a) / (b - a);
      hand[t] = (1.0 - w) * hand[a] + w * hand[b];
      pose[t].position = (1.0 - w) * pose[a].position + w * pose[b].position;
      pose[t].orientation = pose[a].orientation.slerp(w, pose[b].orientation);
    }
  }

  // low-pass filters, forward in time
  for (int t = 1; t < rows; ++t) {
    hand[t] = hand[t - 1] + config.filter * (hand[t] - hand[t - 1]);
    pose[t].position =
        pose[t - 1].position + config.pose_filter * (pose[t].position - pose[t - 1].position);
    pose[t].orientation =
        pose[t - 1].orientation.slerp(config.pose_filter, pose[t].orientation).normalized();
  }

  RetargetedDemo out;
  out.actions.resize(rows, 6 + n);
  out.eef_pose.resize(rows, 7 + n);
  for (int t = 0; t < rows; ++t) {
    out.actions.row(t).head<3>() = pose[t].position.transpose();
    out.actions.row(t).segment<3>(3) = core::AxisAngleFromQuat(pose[t].orientation).transpose();
    out.actions.row(t).tail(n) = hand[t].transpose();
    out.eef_pose.row(t).head<3>() = pose[t].position.transpose();
    const Eigen::Quaterniond& q = pose[t].orientation;
    out.eef_pose.row(t).segment<4>(3) << q.w(), q.x(), q.y(), q.z();
    out.eef_pose.row(t).tail(n) = hand[t].transpose();
  }
  // jitter: RMS second difference of the normalised hand output
  const HandKinematics& kin = retargeter.kinematics();
  const Eigen::VectorXd range = kin.high() - kin.low();
  double sum = 0.0;
  for (int t = 1; t + 1 < rows; ++t) {
    sum += ((hand[t + 1] - 2.0 * hand[t] + hand[t - 1]).cwiseQuotient(range)).squaredNorm();
  }
  quality.jitter = rows > 2 ? std::sqrt(sum / (rows - 2)) : 0.0;
  out.quality = quality;
  return out;
}

}  // namespace immimic::mapping
