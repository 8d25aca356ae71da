#include "mapping/frame_distance.h"

#include <cmath>

#include <gtest/gtest.h>
#include <Eigen/Geometry>

#include "core/error.h"
#include "core/rng.h"
#include "core/rotation.h"

namespace immimic::mapping {
namespace {

Eigen::RowVectorXd Action(const Eigen::Vector3d& t, const Eigen::Vector3d& axis_angle,
                          const std::vector<double>& joints) {
  Eigen::RowVectorXd a(6 + joints.size());
  a.head(3) = t.transpose();
  a.segment(3, 3) = axis_angle.transpose();
  for (size_t k = 0; k < joints.size(); ++k) a(6 + k) = joints[k];
  return a;
}

TEST(ActionFrameDistance, HandCalculationWithDefaultWeights) {
  const ActionFrameDistance distance(2);  // l1 = 1/2, l2 = 0.1
  const auto human = Action({0.1, 0.0, 0.0}, {0, 0, 0}, {0.5, 0.2});
  const auto robot = Action({0.0, 0.2, 0.0}, {0, 0, M_PI / 2}, {0.1, 0.2});
  // |0.1| + |-0.2| + 0.5 * (0.4 + 0) + 0.1 * pi/2
  EXPECT_NEAR(distance(human, robot), 0.3 + 0.2 + 0.1 * M_PI / 2, 1e-7);
  EXPECT_NEAR(distance(robot, human), distance(human, robot), 1e-15);
  EXPECT_EQ(distance(human, human), 0.0);
}

TEST(ActionFrameDistance, HandCalculationWithWeightsAndScale) {
  ActionDistanceConfig config;
  config.joint_weight = 2.0;
  config.rotation_weight = 0.5;
  config.scale = (Eigen::VectorXd(5) << 2, 2, 2, 0.5, 0.5).finished();
  const ActionFrameDistance distance(2, config);
  const auto human = Action({0.1, 0.0, 0.0}, {M_PI / 2, 0, 0}, {0.5, 0.2});
  const auto robot = Action({0.0, 0.2, 0.0}, {0, 0, 0}, {0.1, 0.2});
  // 0.1/2 + 0.2/2 + 2 * (0.4/0.5) + 0.5 * pi/2
  EXPECT_NEAR(distance(human, robot), 0.05 + 0.1 + 1.6 + 0.5 * M_PI / 2, 1e-7);
}

TEST(ActionFrameDistance, AngleMatchesCoreAngleBetween) {
  core::Rng rng(3);
  ActionDistanceConfig config;
  config.rotation_weight = 1.0;
  const ActionFrameDistance distance(0, config);
  for (int trial = 0; trial < 200; ++trial) {
    Eigen::Vector3d a(rng.Normal(), rng.Normal(), rng.Normal());
    Eigen::Vector3d b(rng.Normal(), rng.Normal(), rng.Normal());
    a = a.normalized() * rng.Uniform(0.0, M_PI);
    b = b.normalized() * rng.Uniform(0.0, M_PI);
    const double expected =
        core::AngleBetween(core::MatrixFromAxisAngle(a), core::MatrixFromAxisAngle(b));
    // single precision: quaternion components carry ~6e-8 relative rounding
    EXPECT_NEAR(distance(Action({0, 0, 0}, a, {}), Action({0, 0, 0}, b, {})), expected, 1e-6);
  }
  // the quaternion sign does not matter: pi about z and -pi about z are the same rotation
  EXPECT_NEAR(distance(Action({0, 0, 0}, {0, 0, M_PI}, {}), Action({0, 0, 0}, {0, 0, -M_PI}, {})),
              0.0, 1e-7);
}

TEST(ActionFrameDistance, NearbyRotationsKeepTheirSmallAngle) {
  // 1 - |dot| in single precision would cancel to zero below ~1e-3 rad; the chord form keeps the
  // angle to the rounding of the quaternions themselves
  ActionDistanceConfig config;
  config.rotation_weight = 1.0;
  const ActionFrameDistance distance(0, config);
  const Eigen::Vector3d base = Eigen::Vector3d(0.3, -0.5, 0.8).normalized() * 0.9;
  for (double angle : {1e-2, 1e-3, 1e-4, 1e-5}) {
    const Eigen::Matrix3d turned = core::MatrixFromAxisAngle(base) *
                                   core::MatrixFromAxisAngle(Eigen::Vector3d(0.0, angle, 0.0));
    const Eigen::AngleAxisd other(turned);
    const Eigen::Vector3d axis_angle = other.axis() * other.angle();
    EXPECT_NEAR(distance(Action({0, 0, 0}, base, {}), Action({0, 0, 0}, axis_angle, {})), angle,
                2e-7)
        << angle;
  }
}

TEST(ActionFrameDistance, BadConfigOrFramesThrow) {
  EXPECT_THROW(ActionFrameDistance(-1), core::InputError);
  ActionDistanceConfig negative;
  negative.rotation_weight = -0.1;
  EXPECT_THROW(ActionFrameDistance(1, negative), core::InputError);
  ActionDistanceConfig wrong_scale;
  wrong_scale.scale = Eigen::VectorXd::Ones(7);
  EXPECT_THROW(ActionFrameDistance(1, wrong_scale), core::InputError);
  ActionDistanceConfig zero_scale;
  zero_scale.scale = Eigen::VectorXd::Zero(4);
  EXPECT_THROW(ActionFrameDistance(1, zero_scale), core::InputError);
  const ActionFrameDistance distance(1);
  EXPECT_THROW(distance.Prepare(Sequence::Zero(3, 6)), core::InputError);
}

TEST(VisualFrameDistance, IsEuclidean) {
  const VisualFrameDistance distance(2);
  EXPECT_DOUBLE_EQ(distance(Eigen::RowVector2d(0, 0), Eigen::RowVector2d(3, 4)), 5.0);
  EXPECT_THROW(VisualFrameDistance(0), core::InputError);
}

TEST(RangeScale, IsPerDimensionRangeOverAllDemosWithFloor) {
  Sequence a(2, 7), b(1, 7);
  a << 0, 0, 0, 1, 1, 1, 0.5,  //
      1, 2, 0, 9, 9, 9, 0.5;
  b << -1, 0, 0, 0, 0, 0, 0.5;
  const Eigen::VectorXd scale = RangeScale({a, b}, 1);
  ASSERT_EQ(scale.size(), 4);
  EXPECT_EQ(scale(0), 2.0);
  EXPECT_EQ(scale(1), 2.0);
  EXPECT_EQ(scale(2), 1e-6);
  EXPECT_EQ(scale(3), 1e-6);
  EXPECT_THROW(RangeScale({}, 1), core::InputError);
}

}  // namespace
}  // namespace immimic::mapping
