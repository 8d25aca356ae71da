// The safety filter (sim2real/safety_filter.h), each limit against a hand calculation.

#include "sim2real/safety_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::sim2real {
namespace {

SafetyLimits Limits() {
  SafetyLimits s;
  s.workspace_low = {0.3, -0.3, 0.76};
  s.workspace_high = {0.7, 0.3, 1.2};
  s.max_tcp_speed = 0.6;  // 2 cm per step at 30 Hz
  s.max_tcp_step = 0.05;
  s.max_rotation_step = 0.2;
  s.hand_low = Eigen::VectorXd::Constant(1, 0.0);
  s.hand_high = Eigen::VectorXd::Constant(1, 1.0);
  s.max_hand_rate = 3.0;  // 0.1 of the range per step
  return s;
}

MeasuredState At(Eigen::Vector3d p, double hand = 0.5) {
  MeasuredState m;
  m.tcp_position = p;
  m.tcp_orientation = Eigen::Quaterniond(Eigen::AngleAxisd(M_PI, Eigen::Vector3d::UnitX()));
  m.hand = Eigen::VectorXd::Constant(1, hand);
  return m;
}

Eigen::VectorXd Command(const MeasuredState& m, Eigen::Vector3d p, double hand) {
  Eigen::VectorXd c(7);
  c.head<3>() = p;
  c.segment<3>(3) = core::AxisAngleFromQuat(m.tcp_orientation);
  c[6] = hand;
  return c;
}

TEST(SafetyFilter, PassesACommandWithinEveryLimit) {
  SafetyFilter filter(Limits(), 30.0);
  const MeasuredState m = At({0.5, 0.0, 1.0});
  filter.Reset(m);
  const Eigen::VectorXd c = Command(m, {0.51, 0.0, 1.0}, 0.55);
  const FilteredCommand f = filter.Apply(c, m);
  EXPECT_TRUE(f.stop_reason.empty());
  EXPECT_TRUE(f.clamps.empty());
  EXPECT_TRUE(f.command.isApprox(c, 1e-12));
}

TEST(SafetyFilter, ClampsToTheWorkspaceBoxThenTheSpeed) {
  SafetyFilter filter(Limits(), 30.0);
  const MeasuredState m = At({0.5, 0.0, 0.77});
  filter.Reset(m);
  // 5 cm below the table top: the box lifts it to 0.76, 1 cm below the TCP, within every ball
  const FilteredCommand f = filter.Apply(Command(m, {0.5, 0.0, 0.72}, 0.5), m);
  EXPECT_DOUBLE_EQ(f.command[2], 0.76);
  ASSERT_EQ(f.clamps.size(), 1u);
  EXPECT_NE(f.clamps[0].find("workspace"), std::string::npos);
}

TEST(SafetyFilter, LimitsTheStepFromTheMeasuredTcpAndTheSpeed) {
  SafetyFilter filter(Limits(), 30.0);
  const MeasuredState m = At({0.5, 0.0, 1.0});
  filter.Reset(m);
  // 10 cm away: the step ball (5 cm) then the speed ball (0.6 m/s / 30 Hz = 2 cm) apply
  const FilteredCommand f = filter.Apply(Command(m, {0.6, 0.0, 1.0}, 0.5), m);
  EXPECT_NEAR(f.command[0], 0.52, 1e-12);
  EXPECT_EQ(f.clamps.size(), 2u);
  // the next command is measured from the previous command: 2 cm further at most
  const FilteredCommand g = filter.Apply(Command(m, {0.6, 0.0, 1.0}, 0.5), m);
  EXPECT_NEAR(g.command[0], 0.54, 1e-12);
}

TEST(SafetyFilter, LimitsTheRotationFromTheMeasuredOrientation) {
  SafetyFilter filter(Limits(), 30.0);
  const MeasuredState m = At({0.5, 0.0, 1.0});
  filter.Reset(m);
  Eigen::VectorXd c = Command(m, {0.5, 0.0, 1.0}, 0.5);
  const Eigen::Quaterniond turned =
      m.tcp_orientation * Eigen::Quaterniond(Eigen::AngleAxisd(0.5, Eigen::Vector3d::UnitZ()));
  c.segment<3>(3) = core::AxisAngleFromQuat(turned);
  const FilteredCommand f = filter.Apply(c, m);
  const Eigen::Quaterniond result(
      Eigen::AngleAxisd(core::MatrixFromAxisAngle(f.command.segment<3>(3))));
  EXPECT_NEAR(m.tcp_orientation.angularDistance(result), 0.2, 1e-9);
  EXPECT_NEAR(turned.angularDistance(result), 0.3, 1e-9);  // on the way to the target
  ASSERT_EQ(f.clamps.size(), 1u);
}

TEST(SafetyFilter, ClampsHandLimitsAndRate) {
  SafetyFilter filter(Limits(), 30.0);
  const MeasuredState m = At({0.5, 0.0, 1.0}, 0.5);
  filter.Reset(m);
  const FilteredCommand f = filter.Apply(Command(m, {0.5, 0.0, 1.0}, 1.7), m);
  EXPECT_NEAR(f.command[6], 0.6, 1e-12);  // limit 1.0, then 0.1 per step from 0.5
  EXPECT_EQ(f.clamps.size(), 2u);
}

TEST(SafetyFilter, StopsOnNonFiniteOrMisshapenActionsAndHoldsThePose) {
  SafetyFilter filter(Limits(), 30.0);
  const MeasuredState m = At({0.5, 0.1, 1.0}, 0.3);
  filter.Reset(m);
  Eigen::VectorXd c = Command(m, {0.5, 0.0, 1.0}, 0.5);
  c[4] = std::numeric_limits<double>::quiet_NaN();
  const FilteredCommand f = filter.Apply(c, m);
  EXPECT_NE(f.stop_reason.find("non-finite policy action[4]"), std::string::npos);
  EXPECT_TRUE(f.command.head<3>().isApprox(m.tcp_position));
  EXPECT_DOUBLE_EQ(f.command[6], 0.3);  // the hand stays as it is: nothing opens
  EXPECT_FALSE(filter.Apply(Eigen::VectorXd::Zero(5), m).stop_reason.empty());
  c[4] = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(filter.Apply(c, m).stop_reason.empty());
}

TEST(SafetyFilter, RejectsBadLimits) {
  SafetyLimits s = Limits();
  s.max_tcp_speed = 0;
  EXPECT_THROW(SafetyFilter(s, 30.0), core::InputError);
  s = Limits();
  s.workspace_high[1] = s.workspace_low[1];
  EXPECT_THROW(SafetyFilter(s, 30.0), core::InputError);
}

}  // namespace
}  // namespace immimic::sim2real
