#pragma once
// Rotation conventions used everywhere: quaternions are (w, x, y, z) as in MuJoCo; actions carry
// orientation as an axis-angle vector (unit axis times angle in radians, angle in [0, pi]).

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace immimic::core {

// MuJoCo stores 3x3 matrices row-major (xmat, site_xmat).
Eigen::Matrix3d MatrixFromMujoco(const double* row_major9);
Eigen::Quaterniond QuatFromWxyz(const double* wxyz);
void QuatToWxyz(const Eigen::Quaterniond& q, double* wxyz);

Eigen::Vector3d AxisAngleFromMatrix(const Eigen::Matrix3d& rotation);
Eigen::Matrix3d MatrixFromAxisAngle(const Eigen::Vector3d& axis_angle);
Eigen::Vector3d AxisAngleFromQuat(const Eigen::Quaterniond& q);

// Rotation vector e (world frame) with exp(e) * current = target: what a controller turns by.
Eigen::Vector3d OrientationError(const Eigen::Matrix3d& target, const Eigen::Matrix3d& current);
// Geodesic angle between two rotations, radians in [0, pi].
double AngleBetween(const Eigen::Matrix3d& a, const Eigen::Matrix3d& b);

}  // namespace immimic::core
