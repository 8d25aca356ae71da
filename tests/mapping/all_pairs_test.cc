#include "mapping/all_pairs.h"

#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"

namespace immimic::mapping {
namespace {

std::vector<Sequence> RandomDemos(core::Rng& rng, int count, int min_frames, int max_frames,
                                  int dims) {
  std::vector<Sequence> demos;
  for (int d = 0; d < count; ++d) {
    const int frames = min_frames + static_cast<int>(rng.NextU64() % (max_frames - min_frames + 1));
    Sequence s(frames, dims);
    for (int i = 0; i < frames; ++i)
      for (int k = 0; k < dims; ++k) s(i, k) = rng.Uniform(-1.0, 1.0);
    demos.push_back(s);
  }
  return demos;
}

TEST(AlignAllPairs, IdenticalForOneAndTwoThreadsAndMatchesSinglePairs) {
  core::Rng rng(5);
  const std::vector<Sequence> human = RandomDemos(rng, 7, 5, 30, 8);
  const std::vector<Sequence> robot = RandomDemos(rng, 3, 20, 60, 8);
  const ActionFrameDistance distance(2);
  AllPairsOptions options;
  options.threads = 1;
  const AllPairsAlignment one = AlignAllPairs(human, robot, distance, options);
  options.threads = 2;
  const AllPairsAlignment two = AlignAllPairs(human, robot, distance, options);
  ASSERT_EQ(one.pairs.size(), 21u);
  ASSERT_EQ(two.pairs.size(), 21u);
  for (int h = 0; h < 7; ++h) {
    for (int r = 0; r < 3; ++r) {
      const PairAlignment& a = one.at(h, r);
      const PairAlignment& b = two.at(h, r);
      EXPECT_EQ(a.dtw.cost, b.dtw.cost);
      EXPECT_EQ(a.dtw.path, b.dtw.path);
      EXPECT_EQ(a.robot_frame, b.robot_frame);
      EXPECT_EQ(a.mean_step_cost, b.mean_step_cost);
      const DtwResult single = Dtw(human[h], robot[r], distance);
      EXPECT_EQ(a.dtw.cost, single.cost);
      EXPECT_EQ(a.dtw.path, single.path);
      EXPECT_EQ(a.robot_frame.size(), static_cast<size_t>(human[h].rows()));
      EXPECT_EQ(a.mean_step_cost, single.cost / single.path.size());
    }
  }
}

TEST(AlignAllPairs, BadDemoIsNamed) {
  core::Rng rng(6);
  std::vector<Sequence> human = RandomDemos(rng, 3, 5, 10, 7);
  const std::vector<Sequence> robot = RandomDemos(rng, 2, 5, 10, 7);
  human[2] = Sequence::Zero(4, 6);
  const ActionFrameDistance distance(1);
  try {
    AlignAllPairs(human, robot, distance);
    FAIL() << "no throw";
  } catch (const core::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("human demo 2"), std::string::npos) << error.what();
  }
  EXPECT_THROW(AlignAllPairs({}, robot, distance), core::InputError);
  AllPairsOptions infeasible;
  infeasible.dtw.window = 0;
  EXPECT_THROW(AlignAllPairs(RandomDemos(rng, 2, 3, 3, 7), RandomDemos(rng, 1, 8, 8, 7), distance,
                             infeasible),
               core::InputError);
}

}  // namespace
}  // namespace immimic::mapping
