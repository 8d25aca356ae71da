#pragma once
// Exact multivariate (dependent) Dynamic Time Warping between a human sequence (n frames, index
// i) and a robot sequence (m frames, index j). Steps (1,0), (0,1), (1,1); the cost of a path is
// the sum of the frame distances of the cells it visits, (0,0) and (n-1,m-1) included. Distances
// and sums are single precision (CostValue in frame_distance.h); the returned cost is that sum.
//
// Ties: the path is traced back from (n-1,m-1); among equal-cost predecessors it prefers the
// diagonal (i-1,j-1), then (i-1,j) (human advances, robot holds), then (i,j-1) (robot advances).
//
// Sakoe-Chiba band of half-width w robot frames around the line through both corners:
// |i * (m-1)/(n-1) - j| <= w (slope 0 when n == 1). Throws core::InputError when no path fits.

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mapping/dtw_isa.h"
#include "mapping/frame_distance.h"

namespace immimic::mapping {

// (human frame i, robot frame j) from (0,0) to (n-1,m-1).
using WarpingPath = std::vector<std::pair<int, int>>;

struct DtwOptions {
  std::optional<int> window;  // Sakoe-Chiba half-width in robot frames; unset: no band
};

struct DtwResult {
  double cost = 0.0;
  WarpingPath path;
};

// Distance between human frame i and robot frame j. Must not return NaN or a finite value beyond
// single precision; it is rounded to single precision.
using CostFunction = std::function<double(int i, int j)>;

// Reusable buffers so that repeated alignments do not allocate (one per thread).
struct DtwWorkspace {
  std::vector<CostValue> tile;           // frame distances of one chunk of wavefront steps
  std::vector<CostValue> above, below;   // accumulated cost of the rows around a block
  std::vector<signed char> predecessor;  // step into every cell, wavefront order (1 byte)
  std::vector<size_t> block_offset;      // where each block of rows starts in predecessor
  std::vector<int> block_first_step;     // its first wavefront step
};

// One optimal path. Memory: one byte per cell for the path, no cost matrix.
DtwResult Dtw(const Sequence& human, const Sequence& robot, const FrameDistance& distance,
              const DtwOptions& options = {});
DtwResult Dtw(const PreparedSequence& human, const PreparedSequence& robot,
              const FrameDistance& distance, const DtwOptions& options = {},
              DtwWorkspace* workspace = nullptr);
DtwResult Dtw(const Eigen::Ref<const Eigen::MatrixXd>& cost, const DtwOptions& options = {});
DtwResult Dtw(int n, int m, const CostFunction& cost, const DtwOptions& options = {});

// Cost only, keeping a few rows (O(m) memory): for speed comparisons and screening.
double DtwCost(const Sequence& human, const Sequence& robot, const FrameDistance& distance,
               const DtwOptions& options = {});
double DtwCost(const PreparedSequence& human, const PreparedSequence& robot,
               const FrameDistance& distance, const DtwOptions& options = {},
               DtwWorkspace* workspace = nullptr);
double DtwCost(int n, int m, const CostFunction& cost, const DtwOptions& options = {});

// For each human frame the robot frame it is aligned to. A human frame matched to several robot
// frames j_first..j_last gets the middle one, j_first + (j_last - j_first) / 2: the centre of the
// stretch the robot spends on that human frame, not its edge.
std::vector<int> AlignedRobotFrames(const WarpingPath& path, int human_frames);

// Mean frame distance per path step, cost / path length: the paper's Action Distance metric when
// the distance is ActionFrameDistance.
double MeanStepCost(const DtwResult& result);

}  // namespace immimic::mapping
