#include "core/rotation.h"

#include <gtest/gtest.h>

#include "core/rng.h"

namespace immimic::core {
namespace {

TEST(Rotation, AxisAngleRoundTrip) {
  Rng rng(1);
  for (int i = 0; i < 100; ++i) {
    Eigen::Vector3d axis(rng.Normal(), rng.Normal(), rng.Normal());
    const Eigen::Vector3d v = axis.normalized() * rng.Uniform(0.0, 3.1);
    EXPECT_LT((AxisAngleFromMatrix(MatrixFromAxisAngle(v)) - v).norm(), 1e-9);
  }
}

TEST(Rotation, OrientationErrorTurnsCurrentIntoTarget) {
  const Eigen::Matrix3d current = MatrixFromAxisAngle(Eigen::Vector3d(0.3, -0.2, 0.5));
  const Eigen::Matrix3d target = MatrixFromAxisAngle(Eigen::Vector3d(-1.0, 0.4, 0.1));
  const Eigen::Vector3d e = OrientationError(target, current);
  EXPECT_LT((MatrixFromAxisAngle(e) * current - target).norm(), 1e-9);
  EXPECT_NEAR(AngleBetween(target, current), e.norm(), 1e-9);
}

TEST(Rotation, MujocoMatrixIsRowMajor) {
  const double m[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};  // 90 degrees about z
  EXPECT_NEAR(AxisAngleFromMatrix(MatrixFromMujoco(m)).z(), M_PI / 2, 1e-12);
}

TEST(Rotation, QuaternionSignIsCanonical) {
  double wxyz[4];
  QuatToWxyz(Eigen::Quaterniond(-0.5, 0.5, 0.5, 0.5), wxyz);
  EXPECT_EQ(wxyz[0], 0.5);
  EXPECT_EQ(wxyz[1], -0.5);
}

TEST(Rng, SameSeedSameStreamAndDerivedSeedsDiffer) {
  Rng a(42), b(42);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.Uniform(0, 1), b.Uniform(0, 1));
  EXPECT_NE(DeriveSeed(1, 0), DeriveSeed(1, 1));
  EXPECT_NE(DeriveSeed(1, 0), DeriveSeed(2, 0));
  EXPECT_EQ(DeriveSeed(7, 3), DeriveSeed(7, 3));
}

TEST(Rng, UniformAndNormalMoments) {
  Rng rng(3);
  double sum = 0, sq = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double x = rng.Normal(1.0, 2.0);
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 1.0, 0.03);
  EXPECT_NEAR(sq / n - (sum / n) * (sum / n), 4.0, 0.1);
}

}  // namespace
}  // namespace immimic::core
