#include "core/rotation.h"

#include <algorithm>
#include <cmath>

namespace immimic::core {

Eigen::Matrix3d MatrixFromMujoco(const double* m) {
  Eigen::Matrix3d r;
  r << m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8];
  return r;
}

Eigen::Quaterniond QuatFromWxyz(const double* q) {
  return Eigen::Quaterniond(q[0], q[1], q[2], q[3]).normalized();
}

void QuatToWxyz(const Eigen::Quaterniond& q, double* out) {
  // keep w >= 0 so equal rotations have equal coordinates
  const double sign = q.w() < 0 ? -1.0 : 1.0;
  out[0] = sign * q.w();
  out[1] = sign * q.x();
  out[2] = sign * q.y();
  out[3] = sign * q.z();
}

Eigen::Vector3d AxisAngleFromMatrix(const Eigen::Matrix3d& rotation) {
  Eigen::AngleAxisd aa(rotation);
  return aa.axis() * aa.angle();
}

Eigen::Matrix3d MatrixFromAxisAngle(const Eigen::Vector3d& v) {
  const double angle = v.norm();
  if (angle < 1e-12) return Eigen::Matrix3d::Identity();
  return Eigen::AngleAxisd(angle, v / angle).toRotationMatrix();
}

Eigen::Vector3d AxisAngleFromQuat(const Eigen::Quaterniond& q) {
  return AxisAngleFromMatrix(q.normalized().toRotationMatrix());
}

Eigen::Vector3d OrientationError(const Eigen::Matrix3d& target, const Eigen::Matrix3d& current) {
  return AxisAngleFromMatrix(target * current.transpose());
}

double AngleBetween(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b) {
  const double c = ((a.transpose() * b).trace() - 1.0) / 2.0;
  return std::acos(std::clamp(c, -1.0, 1.0));
}

}  // namespace immimic::core
