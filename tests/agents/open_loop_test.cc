#include "agents/open_loop.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "core/error.h"
#include "tests/agents/synthetic_dataset.h"

namespace immimic::agents {
namespace {

std::string TempPath(const std::string& name) {
  return "/tmp/immimic_open_loop_" + std::to_string(getpid()) + "_" + name;
}

// The synthetic action of demo d, frame t, dimension k (tests/agents/synthetic_dataset.h).
double Recorded(int d, int t, int k) { return d + 0.1 * t + 0.01 * k; }

// A predictor that reads the frame index from the green channel of the newest agentview image
// and the demo from the red one, and returns the recorded chunk plus `offset`.
// Rows `stride` frames apart.
ChunkPredictor Replaying(int rows, double offset, int* calls, std::vector<int>* horizons,
                         int stride = 1) {
  return [=](const std::vector<envs::Observation>& history) {
    ++*calls;
    horizons->push_back(static_cast<int>(history.size()));
    const envs::Image& newest = history.back().agentview;
    const int d = newest.pixels[0] / 10, t = newest.pixels[1];
    Eigen::MatrixXd chunk(rows, 7);
    for (int j = 0; j < rows; ++j)
      for (int k = 0; k < 7; ++k)
        chunk(j, k) = Recorded(d, std::min(t + j * stride, 11), k) + offset;
    return chunk;
  };
}

TEST(OpenLoop, ErrorsAreZeroForTheRecordedChunksAndTheOffsetOtherwise) {
  const std::string path = TempPath("robot.hdf5");
  testing::WriteSyntheticDataset(path, {12, 12}, 4, false);
  int calls = 0;
  std::vector<int> horizons;
  OpenLoopOptions options;
  options.stride = 5;
  const OpenLoopReport exact =
      EvaluateOpenLoop(Replaying(4, 0.0, &calls, &horizons), path, options);
  EXPECT_EQ(exact.demos, 2);
  EXPECT_EQ(exact.checks, 6);  // frames 0, 5, 10 of each demo
  EXPECT_EQ(calls, 6);
  for (int h : horizons) EXPECT_EQ(h, 2);
  for (double e : exact.chunk_error) EXPECT_NEAR(e, 0.0, 1e-9);
  EXPECT_NEAR(exact.position_error_m, 0.0, 1e-9);

  options.max_demos = 1;
  const OpenLoopReport shifted =
      EvaluateOpenLoop(Replaying(4, 0.02, &calls, &horizons), path, options);
  EXPECT_EQ(shifted.demos, 1);
  EXPECT_EQ(shifted.checks, 3);
  for (double e : shifted.first_action_error) EXPECT_NEAR(e, 0.02, 1e-9);
  for (double e : shifted.chunk_error) EXPECT_NEAR(e, 0.02, 1e-9);
  EXPECT_NEAR(shifted.position_error_m, 0.02 * std::sqrt(3.0), 1e-9);
  EXPECT_EQ(ToJson(shifted)["checks"], 3);

  // with the run's frame stride the chunk rows compare with recorded frames that far apart,
  // so a predictor replaying at another stride shows an error
  options.frame_stride = 3;
  const OpenLoopReport strided =
      EvaluateOpenLoop(Replaying(4, 0.0, &calls, &horizons, 3), path, options);
  for (double e : strided.chunk_error) EXPECT_NEAR(e, 0.0, 1e-9);
  const OpenLoopReport mismatched =
      EvaluateOpenLoop(Replaying(4, 0.0, &calls, &horizons, 1), path, options);
  EXPECT_GT(mismatched.chunk_error[0], 0.05);
  std::vector<int> gaps;  // newest minus oldest observed frame
  EvaluateOpenLoop(
      [&](const std::vector<envs::Observation>& history) {
        gaps.push_back(history.back().agentview.pixels[1] - history.front().agentview.pixels[1]);
        return Eigen::MatrixXd::Zero(4, 7).eval();
      },
      path, options);
  EXPECT_EQ(gaps, (std::vector<int>{0, 3, 3}));  // frames 0 (padded), 5 and 10
  std::remove(path.c_str());
}

TEST(OpenLoop, HumanVideosAndWrongWidthsAreInputErrors) {
  const std::string human = TempPath("human.hdf5"), robot = TempPath("robot.hdf5");
  testing::WriteSyntheticDataset(human, {5}, 4, true);
  testing::WriteSyntheticDataset(robot, {5}, 4, false);
  const ChunkPredictor narrow = [](const std::vector<envs::Observation>&) {
    return Eigen::MatrixXd::Zero(4, 3).eval();
  };
  EXPECT_THROW(EvaluateOpenLoop(narrow, human, {}), core::InputError);
  try {
    EvaluateOpenLoop(narrow, robot, {});
    FAIL() << "a 3-wide predictor on 7-wide actions must fail";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("3-wide"), std::string::npos) << e.what();
  }
  std::remove(human.c_str());
  std::remove(robot.c_str());
}

}  // namespace
}  // namespace immimic::agents
