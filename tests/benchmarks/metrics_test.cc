#include "benchmarks/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"

namespace immimic::benchmarks {
namespace {

constexpr double kPi = 3.141592653589793;

// Speed of a minimum-jerk reach of `distance` in `seconds`, sampled at t = 0, 1/hz, ..., T.
Eigen::VectorXd MinimumJerkSpeed(double seconds, double hz, double distance = 1.0) {
  const int n = static_cast<int>(std::lround(seconds * hz)) + 1;
  Eigen::VectorXd v(n);
  for (int i = 0; i < n; ++i) {
    const double s = i / hz / seconds;
    v[i] = distance / seconds * 30 * s * s * (1 - s) * (1 - s);
  }
  return v;
}

Eigen::VectorXd Concat(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  Eigen::VectorXd out(a.size() + b.size());
  out << a, b;
  return out;
}

// 0.25 (1 - cos(2 pi 3 t)) added: a 3 Hz speed ripple.
Eigen::VectorXd WithRipple(Eigen::VectorXd v, double hz) {
  for (Eigen::Index i = 0; i < v.size(); ++i) v[i] += 0.25 * (1 - std::cos(2 * kPi * 3 * i / hz));
  return v;
}

TEST(Wilson, MatchesTheScoreIntervalFormula) {
  // values of (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z = 1.95996
  const Interval half = WilsonInterval(5, 10);
  EXPECT_NEAR(half.low, 0.2365930905, 1e-9);
  EXPECT_NEAR(half.high, 0.7634069095, 1e-9);
  const Interval eight = WilsonInterval(8, 10);
  EXPECT_NEAR(eight.low, 0.4901624715, 1e-9);
  EXPECT_NEAR(eight.high, 0.9433178485, 1e-9);
  const Interval many = WilsonInterval(45, 50);
  EXPECT_NEAR(many.low, 0.7863976856, 1e-9);
  EXPECT_NEAR(many.high, 0.9565242351, 1e-9);
}

TEST(Wilson, IsNotEmptyAtZeroOrAllSuccesses) {
  const Interval none = WilsonInterval(0, 10);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.2775327999, 1e-9);  // z^2 / (n + z^2)
  const Interval all = WilsonInterval(10, 10);
  EXPECT_NEAR(all.low, 0.7224672001, 1e-9);
  EXPECT_EQ(all.high, 1.0);
  EXPECT_THROW(WilsonInterval(3, 2), core::InputError);
  EXPECT_THROW(WilsonInterval(0, 0), core::InputError);
  EXPECT_THROW(WilsonInterval(-1, 5), core::InputError);
}

TEST(Sparc, MinimumJerkReachScoresAboutMinusOnePointFour) {
  // Balasubramanian et al. 2015: a single minimum-jerk submovement has SPARC ~ -1.40, whatever
  // its amplitude, duration or sampling rate
  for (double hz : {30.0, 100.0, 1000.0}) {
    for (double seconds : {1.0, 2.0}) {
      EXPECT_NEAR(Sparc(MinimumJerkSpeed(seconds, hz), hz), -1.40, 0.01) << hz << " " << seconds;
    }
  }
  EXPECT_NEAR(Sparc(MinimumJerkSpeed(1.0, 100.0, 0.3), 100.0),
              Sparc(MinimumJerkSpeed(1.0, 100.0, 1.0), 100.0), 1e-12);
}

TEST(Sparc, MatchesTheReferenceImplementation) {
  // values from the authors' Python code (numpy FFT), docs/evaluation.md gives the script
  const double hz = 100.0;
  const Eigen::VectorXd reach = MinimumJerkSpeed(1.0, hz);
  EXPECT_NEAR(Sparc(reach, hz), -1.405829324421, 1e-9);
  EXPECT_NEAR(Sparc(Concat(reach, reach.tail(reach.size() - 1)), hz), -2.244545458388, 1e-9);
  EXPECT_NEAR(Sparc(WithRipple(reach, hz), hz), -1.706618354230, 1e-9);
}

TEST(Sparc, TwoSubmovementsAndRippleAreLessSmooth) {
  const double hz = 30.0;
  const Eigen::VectorXd reach = MinimumJerkSpeed(1.0, hz);
  const double single = Sparc(reach, hz);
  EXPECT_LT(Sparc(Concat(reach, reach.tail(reach.size() - 1)), hz), single - 0.5);
  EXPECT_LT(Sparc(WithRipple(reach, hz), hz), single - 0.1);
}

TEST(Ldlj, MinimumJerkApproachesTheClosedForm) {
  // v = D/T 30 s^2 (1-s)^2: integral of v''^2 = 720 D^2 / T^5, v_peak = 1.875 D / T, so the
  // dimensionless jerk is 720 / 1.875^2 = 204.8 and LDLJ = -ln 204.8 = -5.3220
  EXPECT_NEAR(Ldlj(MinimumJerkSpeed(2.0, 1000.0), 1000.0), -std::log(204.8), 2e-3);
  EXPECT_NEAR(Ldlj(MinimumJerkSpeed(2.0, 1000.0, 0.2), 1000.0),
              Ldlj(MinimumJerkSpeed(2.0, 1000.0, 1.0), 1000.0), 1e-9);
  // the reference implementation's value at 100 Hz
  EXPECT_NEAR(Ldlj(MinimumJerkSpeed(1.0, 100.0), 100.0), -5.301633248098, 1e-9);
}

TEST(Ldlj, TwoSubmovementsAndRippleAreLessSmooth) {
  const double hz = 100.0;
  const Eigen::VectorXd reach = MinimumJerkSpeed(1.0, hz);
  EXPECT_NEAR(Ldlj(Concat(reach, reach.tail(reach.size() - 1)), hz), -8.084272549633, 1e-9);
  EXPECT_NEAR(Ldlj(WithRipple(reach, hz), hz), -6.772419857356, 1e-9);
  EXPECT_LT(Ldlj(WithRipple(reach, hz), hz), Ldlj(reach, hz) - 1.0);
}

TEST(Smoothness, RejectsBadProfilesAndIsUndefinedWithoutMotion) {
  EXPECT_THROW(Sparc(Eigen::VectorXd::Ones(1), 30), core::InputError);
  EXPECT_THROW(Ldlj(Eigen::VectorXd::Ones(2), 30), core::InputError);
  EXPECT_THROW(Sparc(Eigen::VectorXd::Ones(5), 0), core::InputError);
  Eigen::VectorXd bad = Eigen::VectorXd::Ones(5);
  bad[2] = std::nan("");
  EXPECT_THROW(Sparc(bad, 30), core::InputError);
  EXPECT_THROW(Ldlj(bad, 30), core::InputError);
  bad[2] = -1;
  EXPECT_THROW(Sparc(bad, 30), core::InputError);
  EXPECT_TRUE(std::isnan(Sparc(Eigen::VectorXd::Zero(10), 30)));
  EXPECT_TRUE(std::isnan(Ldlj(Eigen::VectorXd::Zero(10), 30)));
}

TEST(SpeedProfile, IsDistancePerSampleTimesRate) {
  const std::vector<Eigen::Vector3d> path{{0, 0, 0}, {0.03, 0.04, 0}, {0.03, 0.04, 0}};
  const Eigen::VectorXd v = SpeedProfile(path, 30.0);
  ASSERT_EQ(v.size(), 2);
  EXPECT_NEAR(v[0], 1.5, 1e-12);
  EXPECT_EQ(v[1], 0.0);
  EXPECT_EQ(SpeedProfile({}, 30.0).size(), 0);
}

}  // namespace
}  // namespace immimic::benchmarks
