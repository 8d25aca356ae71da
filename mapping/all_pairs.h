#pragma once
// Every human demo aligned to every robot demo by DTW (paper step 4), in parallel over pairs.
// Each pair is computed independently into its own slot, so the result does not depend on the
// number of threads.

#include <vector>

#include "mapping/dtw.h"
#include "mapping/frame_distance.h"

namespace immimic::mapping {

struct PairAlignment {
  DtwResult dtw;
  // For each human frame, its robot frame (AlignedRobotFrames: middle of a run).
  std::vector<int> robot_frame;
  // dtw.cost / path length; the paper's Action Distance with ActionFrameDistance.
  double mean_step_cost = 0.0;
};

struct AllPairsOptions {
  DtwOptions dtw;
  int threads = 0;  // 0: std::thread::hardware_concurrency()
};

struct AllPairsAlignment {
  int human_demos = 0;
  int robot_demos = 0;
  std::vector<PairAlignment> pairs;  // human-major: pairs[h * robot_demos + r]

  const PairAlignment& at(int human, int robot) const {
    return pairs[static_cast<size_t>(human) * robot_demos + robot];
  }
};

// Throws core::InputError on no demos, a bad demo (empty, wrong size, NaN; the message names
// it) or an infeasible band.
AllPairsAlignment AlignAllPairs(const std::vector<Sequence>& human,
                                const std::vector<Sequence>& robot, const FrameDistance& distance,
                                const AllPairsOptions& options = {});

}  // namespace immimic::mapping
