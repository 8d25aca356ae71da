#include "agents/chunk_executor.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <memory>
#include <vector>

#include "core/error.h"

namespace immimic::agents {
namespace {

constexpr double kPi = 3.141592653589793;

envs::Observation ObsAt(double time) {
  envs::Observation obs;
  obs.time = time;
  return obs;
}

// One hand dimension, a box wide enough not to clamp the test values.
ChunkExecutorConfig WideConfig() {
  ChunkExecutorConfig c;
  c.workspace_low = Eigen::Vector3d::Constant(-1000);
  c.workspace_high = Eigen::Vector3d::Constant(1000);
  c.hand_low = Eigen::VectorXd::Constant(1, -1000);
  c.hand_high = Eigen::VectorXd::Constant(1, 1000);
  return c;
}

// Chunk number p (0, 1, ...) proposes x = 10 p + k for the step k rows ahead; no rotation.
ChunkPredictor CountingPredictor(int length) {
  auto calls = std::make_shared<int>(0);
  return [calls, length](const std::vector<envs::Observation>&) {
    Eigen::MatrixXd chunk = Eigen::MatrixXd::Zero(length, 7);
    for (int k = 0; k < length; ++k) chunk(k, 0) = 10.0 * *calls + k;
    ++*calls;
    return chunk;
  };
}

// Every row of chunk p has the rotation rotations[p] (axis-angle).
ChunkPredictor RotationPredictor(std::vector<Eigen::Vector3d> rotations, int length) {
  auto calls = std::make_shared<size_t>(0);
  return [calls, rotations, length](const std::vector<envs::Observation>&) {
    Eigen::MatrixXd chunk = Eigen::MatrixXd::Zero(length, 7);
    const Eigen::Vector3d r = rotations[std::min(*calls, rotations.size() - 1)];
    for (int k = 0; k < length; ++k) chunk.row(k).segment<3>(3) = r.transpose();
    ++*calls;
    return chunk;
  };
}

TEST(ChunkExecutor, NewestChunkWeighsMostWithDecayBelowOne) {
  ChunkExecutor executor(WideConfig(), CountingPredictor(3));
  executor.Reset();
  // step 0: chunk 0 alone
  EXPECT_DOUBLE_EQ(executor.Act(ObsAt(0))[0], 0.0);
  // step 1: chunk 0 row 1 (x 1, age 1, w 0.8) and chunk 1 row 0 (x 10, w 1)
  EXPECT_NEAR(executor.Act(ObsAt(1))[0], (0.8 * 1 + 10) / 1.8, 1e-12);
  // step 2: x 2 (w 0.64), 11 (w 0.8), 20 (w 1)
  EXPECT_NEAR(executor.Act(ObsAt(2))[0], (0.64 * 2 + 0.8 * 11 + 20) / 2.44, 1e-12);
  // step 3: chunk 0 has run out; x 12, 21, 30
  EXPECT_NEAR(executor.Act(ObsAt(3))[0], (0.64 * 12 + 0.8 * 21 + 30) / 2.44, 1e-12);
  EXPECT_EQ(executor.predictions(), 4);
}

TEST(ChunkExecutor, DecayAboveOneFavoursTheOldestChunkAsInAct) {
  ChunkExecutorConfig c = WideConfig();
  c.ensemble_decay = 2.0;
  ChunkExecutor executor(c, CountingPredictor(3));
  executor.Act(ObsAt(0));
  EXPECT_NEAR(executor.Act(ObsAt(1))[0], (2.0 * 1 + 10) / 3.0, 1e-12);
}

TEST(ChunkExecutor, ReplansEveryNStepsAndEnsemblesTheOverlap) {
  ChunkExecutorConfig c = WideConfig();
  c.replan_every = 2;
  ChunkExecutor executor(c, CountingPredictor(3));
  EXPECT_DOUBLE_EQ(executor.Act(ObsAt(0))[0], 0.0);
  EXPECT_DOUBLE_EQ(executor.Act(ObsAt(1))[0], 1.0);
  EXPECT_EQ(executor.predictions(), 1);
  // chunk 0 row 2 (x 2, w 0.64) with chunk 1 row 0 (x 10, w 1)
  EXPECT_NEAR(executor.Act(ObsAt(2))[0], (0.64 * 2 + 10) / 1.64, 1e-12);
  EXPECT_EQ(executor.predictions(), 2);
}

TEST(ChunkExecutor, WithoutEnsemblingPlaysTheNewestChunk) {
  ChunkExecutorConfig c = WideConfig();
  c.replan_every = 2;
  c.temporal_ensemble = false;
  ChunkExecutor executor(c, CountingPredictor(3));
  std::vector<double> xs;
  for (int t = 0; t < 4; ++t) xs.push_back(executor.Act(ObsAt(t))[0]);
  EXPECT_EQ(xs, (std::vector<double>{0, 1, 10, 11}));
}

TEST(ChunkExecutor, AveragesRotationsAsQuaternions) {
  ChunkExecutor executor(WideConfig(),
                         RotationPredictor({Eigen::Vector3d::Zero(), {0, 0, kPi / 2}}, 4));
  executor.Act(ObsAt(0));
  // weights 0.8 (identity) and 1 (90 deg about z): q = (0.8 + cos 45, sin 45 z), normalised
  const Eigen::VectorXd a = executor.Act(ObsAt(1));
  const double expected = 2 * std::atan2(std::sin(kPi / 4), 0.8 + std::cos(kPi / 4));
  EXPECT_NEAR(a[5], expected, 1e-12);
  EXPECT_NEAR(a[3], 0.0, 1e-12);
  EXPECT_NEAR(a[4], 0.0, 1e-12);
}

TEST(ChunkExecutor, AlignsQuaternionSignsNearHalfTurn) {
  // (pi - 0.1) about +x and about -x are 0.2 rad apart; their mean is the half turn about x.
  // Averaging the axis-angle vectors would give the identity instead.
  ChunkExecutorConfig c = WideConfig();
  c.ensemble_decay = 1.0;
  ChunkExecutor executor(c, RotationPredictor({{kPi - 0.1, 0, 0}, {-(kPi - 0.1), 0, 0}}, 4));
  executor.Act(ObsAt(0));
  const Eigen::Vector3d r = executor.Act(ObsAt(1)).segment<3>(3);
  EXPECT_NEAR(r.norm(), kPi, 1e-9);
  EXPECT_NEAR(std::abs(r[0]), kPi, 1e-9);
}

TEST(ChunkExecutor, ClampsPositionToWorkspaceAndHandToLimits) {
  ChunkExecutorConfig c;  // default box
  c.hand_low = Eigen::VectorXd::Constant(1, 0.0);
  c.hand_high = Eigen::VectorXd::Constant(1, 0.8);
  ChunkExecutor executor(c, [](const std::vector<envs::Observation>&) {
    Eigen::MatrixXd chunk(1, 7);
    chunk << 5.0, -5.0, 0.9, 0.1, 0.2, 0.3, 2.0;
    return chunk;
  });
  const Eigen::VectorXd a = executor.Act(ObsAt(0));
  EXPECT_DOUBLE_EQ(a[0], c.workspace_high[0]);
  EXPECT_DOUBLE_EQ(a[1], c.workspace_low[1]);
  EXPECT_DOUBLE_EQ(a[2], 0.9);  // inside
  EXPECT_NEAR((a.segment<3>(3) - Eigen::Vector3d(0.1, 0.2, 0.3)).norm(), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(a[6], 0.8);
}

TEST(ChunkExecutor, PadsHistoryWithFirstFrameThenSlides) {
  ChunkExecutorConfig c = WideConfig();
  c.obs_horizon = 3;
  std::vector<std::vector<double>> seen;
  ChunkExecutor executor(c, [&](const std::vector<envs::Observation>& history) {
    std::vector<double> times;
    for (const envs::Observation& o : history) times.push_back(o.time);
    seen.push_back(times);
    return Eigen::MatrixXd::Zero(4, 7).eval();
  });
  for (int t = 0; t < 3; ++t) executor.Act(ObsAt(t));
  executor.Reset();
  executor.Act(ObsAt(7));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(seen[1], (std::vector<double>{0, 0, 1}));
  EXPECT_EQ(seen[2], (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(seen[3], (std::vector<double>{7, 7, 7}));  // reset forgets the old episode
  EXPECT_EQ(executor.step(), 1);
}

TEST(ChunkExecutor, UpsampleInterpolatesPositionsAndSlerpsRotations) {
  Eigen::MatrixXd chunk = Eigen::MatrixXd::Zero(3, 7);
  chunk.col(0) << 0.0, 3.0, 9.0;  // x
  chunk.col(6) << 1.0, 0.0, 0.0;  // hand
  chunk.row(0).segment<3>(3) << 0, 0, 0;
  chunk.row(1).segment<3>(3) << 0, 0, kPi / 2;  // 90 degrees about z
  chunk.row(2).segment<3>(3) << 0, 0, kPi / 2;
  EXPECT_EQ(UpsampleChunk(chunk, 1), chunk);
  const Eigen::MatrixXd up = UpsampleChunk(chunk, 3);
  ASSERT_EQ(up.rows(), 7);
  const double x[] = {0, 1, 2, 3, 5, 7, 9};
  for (int r = 0; r < 7; ++r) EXPECT_NEAR(up(r, 0), x[r], 1e-12) << r;
  EXPECT_NEAR(up(1, 6), 2.0 / 3, 1e-12);
  // a third of the way from identity to 90 degrees about z: 30 degrees about z
  EXPECT_NEAR(up(1, 5), kPi / 6, 1e-12);
  EXPECT_NEAR(up(1, 3), 0.0, 1e-12);
  EXPECT_NEAR(up(3, 5), kPi / 2, 1e-12);  // rows of the chunk come through unchanged
  // the two axis-angle forms of a near half turn about x slerp along the short arc
  Eigen::MatrixXd half = Eigen::MatrixXd::Zero(2, 7);
  half.row(0).segment<3>(3) << kPi - 0.1, 0, 0;
  half.row(1).segment<3>(3) << -(kPi - 0.1), 0, 0;  // 0.2 rad further round, the other form
  const Eigen::Vector3d mid = UpsampleChunk(half, 2).row(1).segment<3>(3).transpose();
  EXPECT_NEAR(std::abs(mid.x()), kPi, 1e-9);  // the half turn, not the identity
  EXPECT_THROW(UpsampleChunk(chunk, 0), core::InputError);
}

TEST(ChunkExecutor, FrameStrideSpacesTheHistoryAndTheChunkRows) {
  ChunkExecutorConfig c = WideConfig();
  c.frame_stride = 3;
  c.replan_every = 6;
  c.temporal_ensemble = false;
  std::vector<std::vector<double>> seen;
  ChunkExecutor executor(c, [&](const std::vector<envs::Observation>& history) {
    std::vector<double> times;
    for (const envs::Observation& o : history) times.push_back(o.time);
    seen.push_back(times);
    // row j is for step now + 3 j: x = that step
    Eigen::MatrixXd chunk = Eigen::MatrixXd::Zero(4, 7);
    for (int j = 0; j < 4; ++j) chunk(j, 0) = history.back().time + 3 * j;
    return chunk;
  });
  for (int t = 0; t < 12; ++t) EXPECT_NEAR(executor.Act(ObsAt(t))[0], t, 1e-12) << t;
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::vector<double>{0, 0}));  // padded with the first frame
  EXPECT_EQ(seen[1], (std::vector<double>{3, 6}));  // frames 3 steps apart
}

TEST(ChunkExecutor, RejectsBadChunksAndConfigs) {
  auto returning = [](Eigen::MatrixXd chunk) {
    return [chunk](const std::vector<envs::Observation>&) { return chunk; };
  };
  EXPECT_THROW(ChunkExecutor(WideConfig(), returning(Eigen::MatrixXd::Zero(2, 6))).Act(ObsAt(0)),
               core::InputError);
  EXPECT_THROW(ChunkExecutor(WideConfig(), returning(Eigen::MatrixXd::Zero(0, 7))).Act(ObsAt(0)),
               core::InputError);
  Eigen::MatrixXd nan_chunk = Eigen::MatrixXd::Zero(2, 7);
  nan_chunk(1, 2) = std::nan("");
  EXPECT_THROW(ChunkExecutor(WideConfig(), returning(nan_chunk)).Act(ObsAt(0)), core::InputError);

  ChunkExecutorConfig long_replan = WideConfig();
  long_replan.replan_every = 3;
  ChunkExecutor executor(long_replan, returning(Eigen::MatrixXd::Zero(2, 7)));
  executor.Act(ObsAt(0));
  executor.Act(ObsAt(1));
  EXPECT_THROW(executor.Act(ObsAt(2)), core::InputError);

  ChunkExecutorConfig bad = WideConfig();
  bad.ensemble_decay = 0.0;
  EXPECT_THROW(ValidateChunkExecutorConfig(bad), core::InputError);
  bad = WideConfig();
  bad.frame_stride = 0;
  EXPECT_THROW(ValidateChunkExecutorConfig(bad), core::InputError);
  bad = WideConfig();
  bad.workspace_low[2] = 2000;
  EXPECT_THROW(ValidateChunkExecutorConfig(bad), core::InputError);
  bad = WideConfig();
  bad.hand_high.resize(2);
  EXPECT_THROW(ValidateChunkExecutorConfig(bad), core::InputError);
  EXPECT_THROW(ChunkExecutor(WideConfig(), nullptr), core::InputError);
}

TEST(ChunkExecutor, HandLimitsComeFromTheEmbodiment) {
  envs::EmbodimentSpec spec;
  spec.hand.resize(2);
  spec.hand[0].low = -0.5;
  spec.hand[0].high = 0.5;
  spec.hand[1].low = 0.0;
  spec.hand[1].high = 1.5;
  ChunkExecutorConfig c;
  SetHandLimits(spec, &c);
  EXPECT_EQ(c.hand_low, Eigen::Vector2d(-0.5, 0.0));
  EXPECT_EQ(c.hand_high, Eigen::Vector2d(0.5, 1.5));
}

}  // namespace
}  // namespace immimic::agents
