#include "mapping/dtw.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"
#include "mapping/textbook_dtw.h"

namespace immimic::mapping {
namespace {

Sequence RandomSequence(core::Rng& rng, int frames, int dims) {
  Sequence s(frames, dims);
  for (int i = 0; i < frames; ++i)
    for (int d = 0; d < dims; ++d) s(i, d) = rng.Uniform(-1.0, 1.0);
  return s;
}

Eigen::MatrixXd CostMatrix(const Sequence& a, const Sequence& b, const FrameDistance& distance) {
  Eigen::MatrixXd cost(a.rows(), b.rows());
  for (int i = 0; i < a.rows(); ++i)
    for (int j = 0; j < b.rows(); ++j) cost(i, j) = distance(a.row(i), b.row(j));
  return cost;
}

// DTW sums single-precision distances in single precision (dtw.h); the references here sum in
// double, so costs agree to a relative 1e-5 (a few float roundings per path step at most).
void ExpectCostNear(double actual, double reference) {
  EXPECT_NEAR(actual, reference, 1e-5 * std::max(1.0, std::abs(reference)));
}

bool InBand(int i, int j, int n, int m, std::optional<int> window) {
  if (!window) return true;
  const double slope = n > 1 ? static_cast<double>(m - 1) / (n - 1) : 0.0;
  return std::abs(i * slope - j) <= *window + 1e-9;
}

// reference: every monotone unit-step path from (0,0), enumerated
void Enumerate(const Eigen::MatrixXd& cost, std::optional<int> window, int i, int j, double sum,
               double* best) {
  const int n = static_cast<int>(cost.rows()), m = static_cast<int>(cost.cols());
  if (i >= n || j >= m || !InBand(i, j, n, m, window)) return;
  sum += cost(i, j);
  if (i == n - 1 && j == m - 1) {
    *best = std::min(*best, sum);
    return;
  }
  Enumerate(cost, window, i + 1, j + 1, sum, best);
  Enumerate(cost, window, i + 1, j, sum, best);
  Enumerate(cost, window, i, j + 1, sum, best);
}

double BruteForce(const Eigen::MatrixXd& cost, std::optional<int> window = std::nullopt) {
  double best = std::numeric_limits<double>::infinity();
  Enumerate(cost, window, 0, 0, 0.0, &best);
  return best;
}

void ExpectValidPath(const WarpingPath& path, int n, int m) {
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front(), std::make_pair(0, 0));
  EXPECT_EQ(path.back(), std::make_pair(n - 1, m - 1));
  for (size_t k = 1; k < path.size(); ++k) {
    const int di = path[k].first - path[k - 1].first;
    const int dj = path[k].second - path[k - 1].second;
    EXPECT_TRUE((di == 1 && dj == 0) || (di == 0 && dj == 1) || (di == 1 && dj == 1))
        << "step " << k << ": (" << di << ", " << dj << ")";
  }
}

double PathCost(const WarpingPath& path, const Eigen::MatrixXd& cost) {
  double sum = 0.0;
  for (const auto& [i, j] : path) sum += cost(i, j);
  return sum;
}

TEST(Dtw, MatchesBruteForceOnSmallRandomCases) {
  core::Rng rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 1 + static_cast<int>(rng.NextU64() % 6);
    const int m = 1 + static_cast<int>(rng.NextU64() % 6);
    const int dims = 1 + static_cast<int>(rng.NextU64() % 3);
    const VisualFrameDistance distance(dims);
    const Sequence a = RandomSequence(rng, n, dims), b = RandomSequence(rng, m, dims);
    const Eigen::MatrixXd cost = CostMatrix(a, b, distance);
    const DtwResult result = Dtw(a, b, distance);
    SCOPED_TRACE(testing::Message() << "trial " << trial << " n " << n << " m " << m);
    ExpectCostNear(result.cost, BruteForce(cost));
    ExpectValidPath(result.path, n, m);
    ExpectCostNear(result.cost, PathCost(result.path, cost));
    EXPECT_EQ(DtwCost(a, b, distance), result.cost);
  }
}

TEST(Dtw, ActionDistanceMatchesBruteForce) {
  core::Rng rng(8);
  const ActionFrameDistance distance(2);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 1 + static_cast<int>(rng.NextU64() % 6);
    const int m = 1 + static_cast<int>(rng.NextU64() % 6);
    const Sequence a = RandomSequence(rng, n, 8), b = RandomSequence(rng, m, 8);
    const Eigen::MatrixXd cost = CostMatrix(a, b, distance);
    const DtwResult result = Dtw(a, b, distance);
    ExpectCostNear(result.cost, BruteForce(cost));
    ExpectCostNear(result.cost, PathCost(result.path, cost));
  }
}

TEST(Dtw, LongerSequencesMatchTheTwoRowVariantAndPathCost) {
  // more rows than one interleaved block, with and without a band
  core::Rng rng(9);
  const VisualFrameDistance distance(3);
  const Sequence a = RandomSequence(rng, 23, 3), b = RandomSequence(rng, 57, 3);
  const Eigen::MatrixXd cost = CostMatrix(a, b, distance);
  for (std::optional<int> window : {std::optional<int>(), std::optional<int>(4)}) {
    const DtwResult result = Dtw(a, b, distance, {window});
    ExpectValidPath(result.path, 23, 57);
    ExpectCostNear(result.cost, PathCost(result.path, cost));
    EXPECT_EQ(DtwCost(a, b, distance, {window}), result.cost);
    EXPECT_EQ(Dtw(cost, {window}).cost, result.cost);
  }
}

// reference: the textbook table (mapping/textbook_dtw.h) in the arithmetic of dtw.h, cells
// outside the band at +inf
DtwResult TextbookDtw(const Eigen::MatrixXd& cost, std::optional<int> window) {
  const int n = static_cast<int>(cost.rows()), m = static_cast<int>(cost.cols());
  return mapping::TextbookDtw<CostValue>(n, m, [&](int i, int j) {
    return InBand(i, j, n, m, window) ? cost(i, j) : std::numeric_limits<double>::infinity();
  });
}

TEST(Dtw, BitIdenticalToTextbookTableWithSamePathIncludingTies) {
  // several 16-row wavefront blocks, a partial last block, band or none; costs rounded to a
  // coarse grid make many equal-cost paths, so the tie rule is exercised everywhere
  core::Rng rng(13);
  const ActionFrameDistance distance(3);
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 1 + static_cast<int>(rng.NextU64() % 40);
    const int m = 1 + static_cast<int>(rng.NextU64() % 90);
    const Sequence a = RandomSequence(rng, n, 9), b = RandomSequence(rng, m, 9);
    const Eigen::MatrixXd cost = CostMatrix(a, b, distance);
    const Eigen::MatrixXd coarse = (cost * 2.0).array().round() / 2.0;
    const std::optional<int> window =
        trial % 2 ? std::optional<int>(std::max(n, m) / 3 + 2) : std::nullopt;
    SCOPED_TRACE(testing::Message() << "trial " << trial << " n " << n << " m " << m);
    DtwResult by_distance;
    try {
      by_distance = Dtw(a, b, distance, {window});
    } catch (const core::InputError&) {
      EXPECT_TRUE(std::isinf(TextbookDtw(cost, window).cost));
      continue;
    }
    const DtwResult reference = TextbookDtw(cost, window);
    EXPECT_EQ(by_distance.cost, reference.cost);  // same arithmetic, same bits
    EXPECT_EQ(by_distance.path, reference.path);
    EXPECT_EQ(DtwCost(a, b, distance, {window}), reference.cost);
    const DtwResult tied = Dtw(coarse, {window});
    const DtwResult tied_reference = TextbookDtw(coarse, window);
    EXPECT_EQ(tied.cost, tied_reference.cost);
    EXPECT_EQ(tied.path, tied_reference.path);
  }
}

TEST(Dtw, TimeWarpedCopyAlignsToItsSourceAtZeroCost) {
  core::Rng rng(10);
  const VisualFrameDistance distance(3);
  for (int trial = 0; trial < 10; ++trial) {
    const Sequence source = RandomSequence(rng, 12, 3);
    // repeat each source frame 1-3 times, in order
    std::vector<int> origin;
    for (int f = 0; f < source.rows(); ++f) {
      const int repeats = 1 + static_cast<int>(rng.NextU64() % 3);
      for (int r = 0; r < repeats; ++r) origin.push_back(f);
    }
    Sequence warped(origin.size(), 3);
    for (size_t k = 0; k < origin.size(); ++k) warped.row(k) = source.row(origin[k]);

    const DtwResult result = Dtw(warped, source, distance);
    EXPECT_EQ(result.cost, 0.0);
    for (const auto& [i, j] : result.path) EXPECT_EQ(j, origin[i]);
    EXPECT_EQ(AlignedRobotFrames(result.path, warped.rows()), origin);

    // the other way round a source frame maps to the middle of its repeats
    const DtwResult reverse = Dtw(source, warped, distance);
    EXPECT_EQ(reverse.cost, 0.0);
    const std::vector<int> aligned = AlignedRobotFrames(reverse.path, source.rows());
    for (int f = 0; f < source.rows(); ++f) {
      const auto first = std::find(origin.begin(), origin.end(), f) - origin.begin();
      const auto count = std::count(origin.begin(), origin.end(), f);
      EXPECT_EQ(aligned[f], first + (count - 1) / 2);
    }
  }
}

TEST(Dtw, TiesPreferDiagonalThenHumanStep) {
  ExpectValidPath(Dtw(Eigen::MatrixXd::Zero(3, 3)).path, 3, 3);
  EXPECT_EQ(Dtw(Eigen::MatrixXd::Zero(3, 3)).path, (WarpingPath{{0, 0}, {1, 1}, {2, 2}}));
  // traced back from the end: diagonal first, so the extra robot step lands at the start
  EXPECT_EQ(Dtw(Eigen::MatrixXd::Zero(2, 3)).path, (WarpingPath{{0, 0}, {0, 1}, {1, 2}}));
  EXPECT_EQ(Dtw(Eigen::MatrixXd::Zero(3, 2)).path, (WarpingPath{{0, 0}, {1, 0}, {2, 1}}));
}

TEST(Dtw, SingleFrameSequences) {
  const Eigen::MatrixXd row = (Eigen::MatrixXd(1, 3) << 1, 2, 3).finished();
  const DtwResult result = Dtw(row);
  EXPECT_EQ(result.cost, 6.0);
  EXPECT_EQ(result.path, (WarpingPath{{0, 0}, {0, 1}, {0, 2}}));
  EXPECT_EQ(Dtw(Eigen::MatrixXd(row.transpose())).cost, 6.0);
  EXPECT_EQ(AlignedRobotFrames(result.path, 1), std::vector<int>{1});
}

TEST(Dtw, CallbackMatrixAndDistanceOverloadsAgree) {
  core::Rng rng(11);
  const VisualFrameDistance distance(2);
  const Sequence a = RandomSequence(rng, 9, 2), b = RandomSequence(rng, 14, 2);
  const Eigen::MatrixXd cost = CostMatrix(a, b, distance);
  const DtwResult by_distance = Dtw(a, b, distance);
  const DtwResult by_matrix = Dtw(cost);
  const DtwResult by_callback = Dtw(9, 14, [&](int i, int j) { return cost(i, j); });
  EXPECT_EQ(by_matrix.cost, by_distance.cost);
  EXPECT_EQ(by_callback.cost, by_distance.cost);
  EXPECT_EQ(by_matrix.path, by_distance.path);
  EXPECT_EQ(by_callback.path, by_distance.path);
  EXPECT_EQ(DtwCost(9, 14, [&](int i, int j) { return cost(i, j); }), by_distance.cost);
}

TEST(Dtw, WideBandEqualsUnbandedAndNarrowBandCostsMore) {
  core::Rng rng(12);
  const VisualFrameDistance distance(2);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 2 + static_cast<int>(rng.NextU64() % 5);
    const int m = 2 + static_cast<int>(rng.NextU64() % 5);
    const Sequence a = RandomSequence(rng, n, 2), b = RandomSequence(rng, m, 2);
    const Eigen::MatrixXd cost = CostMatrix(a, b, distance);
    const DtwResult free = Dtw(a, b, distance);
    const DtwResult wide = Dtw(a, b, distance, {std::max(n, m)});
    EXPECT_EQ(wide.cost, free.cost);
    EXPECT_EQ(wide.path, free.path);
    // a narrow band either has no path (as the enumeration agrees) or costs at least as much
    const double reference = BruteForce(cost, 1);
    if (std::isinf(reference)) {
      EXPECT_THROW(Dtw(a, b, distance, {1}), core::InputError);
      continue;
    }
    const DtwResult narrow = Dtw(a, b, distance, {1});
    EXPECT_GE(narrow.cost, free.cost);
    ExpectCostNear(narrow.cost, reference);
    ExpectValidPath(narrow.path, n, m);
    for (const auto& [i, j] : narrow.path) EXPECT_TRUE(InBand(i, j, n, m, 1));
  }
}

TEST(Dtw, InfeasibleBandThrows) {
  // slope 2 with window 0 leaves row 1 only column 2, which (0, 0) cannot reach
  const Eigen::MatrixXd cost = Eigen::MatrixXd::Ones(3, 5);
  EXPECT_THROW(Dtw(cost, {0}), core::InputError);
  EXPECT_THROW(DtwCost(3, 5, [](int, int) { return 1.0; }, {0}), core::InputError);
  EXPECT_THROW(Dtw(cost, {-1}), core::InputError);
  // one human frame: the band must reach the last robot frame
  EXPECT_THROW(Dtw(Eigen::MatrixXd::Ones(1, 5), {3}), core::InputError);
  EXPECT_EQ(Dtw(Eigen::MatrixXd::Ones(1, 5), {4}).cost, 5.0);
  // 3 x 4 with window 0: rows get [0,0], none, ... -> the message names the window
  try {
    Dtw(Eigen::MatrixXd::Ones(3, 4), {0});
    FAIL() << "no throw";
  } catch (const core::InputError& error) {
    EXPECT_NE(std::string(error.what()).find("window 0"), std::string::npos) << error.what();
  }
}

TEST(Dtw, BadInputThrows) {
  const VisualFrameDistance distance(2);
  const Sequence two_dims = Sequence::Zero(4, 2);
  EXPECT_THROW(Dtw(Sequence(0, 2), two_dims, distance), core::InputError);
  EXPECT_THROW(Dtw(two_dims, Sequence(0, 2), distance), core::InputError);
  EXPECT_THROW(Dtw(two_dims, Sequence::Zero(4, 3), distance), core::InputError);
  EXPECT_THROW(DtwCost(two_dims, Sequence::Zero(4, 3), distance), core::InputError);
  Sequence with_nan = two_dims;
  with_nan(1, 1) = std::nan("");
  EXPECT_THROW(Dtw(two_dims, with_nan, distance), core::InputError);
  EXPECT_THROW(Dtw(Eigen::MatrixXd(0, 3)), core::InputError);
  EXPECT_THROW(Dtw(2, 2, [](int, int) { return std::nan(""); }), core::InputError);
  // beyond single precision (dtw.h): an error, not a silent +inf
  EXPECT_THROW(Dtw(2, 2, [](int, int) { return 1e39; }), core::InputError);
  Sequence huge = two_dims;
  huge(0, 0) = 1e39;
  EXPECT_THROW(Dtw(huge, two_dims, distance), core::InputError);
}

TEST(Dtw, MeanStepCostIsCostPerPathStep) {
  // one human frame against two robot frames: path (0,0),(0,1)
  const ActionFrameDistance distance(1);
  Sequence human(1, 7), robot(2, 7);
  human << 0, 0, 0, 0, 0, 0, 0;
  robot << 0.1, 0, 0, 0, 0, 0, 1,  //
      0, 0.3, 0, 0, 0, 0, 0;
  const DtwResult result = Dtw(human, robot, distance);
  EXPECT_NEAR(result.cost, 0.1 + 1.0 + 0.3, 1e-6);
  EXPECT_DOUBLE_EQ(MeanStepCost(result), result.cost / 2);
}

// Switches the DTW instruction set for one test and restores the previous one.
class ScopedDtwIsa {
 public:
  explicit ScopedDtwIsa(DtwIsa isa) : previous_(ActiveDtwIsa()) { UseDtwIsa(isa); }
  ~ScopedDtwIsa() { UseDtwIsa(previous_); }

 private:
  DtwIsa previous_;
};

struct IsaResults {
  std::vector<DtwResult> paths;
  std::vector<double> costs;
  std::vector<std::vector<CostValue>> tiles;
};

// DTW with paths and costs only, and raw distance tiles, on cases that cover several blocks, a
// partial last block, bands, ties and every pass of the tile kernels (4 and 19 scaled features)
IsaResults RunEverything(DtwIsa isa) {
  const ScopedDtwIsa scoped(isa);
  IsaResults results;
  core::Rng rng(21);
  const ActionFrameDistance gripper(1), allegro(16);
  const VisualFrameDistance visual(5);
  for (int trial = 0; trial < 8; ++trial) {
    const int n = 1 + static_cast<int>(rng.NextU64() % 50);
    const int m = 1 + static_cast<int>(rng.NextU64() % 120);
    const std::optional<int> window =
        trial % 3 == 2 ? std::optional<int>(std::max(n, m) / 2 + 2) : std::nullopt;
    for (const FrameDistance* distance :
         {static_cast<const FrameDistance*>(&gripper), static_cast<const FrameDistance*>(&allegro),
          static_cast<const FrameDistance*>(&visual)}) {
      const Sequence a = RandomSequence(rng, n, distance->dims());
      const Sequence b = RandomSequence(rng, m, distance->dims());
      results.paths.push_back(Dtw(a, b, *distance, {window}));
      results.costs.push_back(DtwCost(a, b, *distance, {window}));
      const PreparedSequence pa = distance->Prepare(a), pb = distance->Prepare(b);
      std::vector<CostValue> tile(static_cast<size_t>(m) * kTileLanes);
      distance->CostTile(pa, 0, pb, 0, m, tile.data());
      results.tiles.push_back(tile);
    }
    Eigen::MatrixXd coarse(n, m);  // costs on a grid of 0.5: many ties
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < m; ++j) coarse(i, j) = 0.5 * static_cast<double>(rng.NextU64() % 4);
    results.paths.push_back(Dtw(coarse, {window}));
  }
  return results;
}

TEST(DtwIsa, EveryInstructionSetGivesTheSameBitsAndPaths) {
  const IsaResults generic = RunEverything(DtwIsa::kGeneric);
  for (DtwIsa isa : SupportedDtwIsas()) {
    SCOPED_TRACE(DtwIsaName(isa));
    const IsaResults other = RunEverything(isa);
    ASSERT_EQ(other.paths.size(), generic.paths.size());
    for (size_t k = 0; k < generic.paths.size(); ++k) {
      EXPECT_EQ(other.paths[k].cost, generic.paths[k].cost) << "case " << k;
      EXPECT_EQ(other.paths[k].path, generic.paths[k].path) << "case " << k;
    }
    EXPECT_EQ(other.costs, generic.costs);
    for (size_t k = 0; k < generic.tiles.size(); ++k) {
      // lanes past a sequence's end read its padding, unspecified but finite; compare the rest
      const int m = static_cast<int>(generic.tiles[k].size()) / kTileLanes;
      for (int step = 0; step < m; ++step) {
        for (int lane = 0; lane < kTileLanes && step + lane < m; ++lane) {
          const size_t at = static_cast<size_t>(step) * kTileLanes + lane;
          ASSERT_EQ(other.tiles[k][at], generic.tiles[k][at])
              << "tile " << k << " step " << step << " lane " << lane;
        }
      }
    }
  }
}

TEST(DtwIsa, NamesParseAndUnknownOrUnsupportedOnesThrow) {
  const std::vector<DtwIsa> supported = SupportedDtwIsas();
  ASSERT_FALSE(supported.empty());
  EXPECT_EQ(supported.front(), DtwIsa::kGeneric);
  EXPECT_EQ(ParseDtwIsa("native"), supported.back());
  for (DtwIsa isa : {DtwIsa::kGeneric, DtwIsa::kAvx2, DtwIsa::kAvx512}) {
    EXPECT_EQ(ParseDtwIsa(DtwIsaName(isa)), isa);
    if (std::find(supported.begin(), supported.end(), isa) == supported.end()) {
      EXPECT_THROW(UseDtwIsa(isa), core::InputError) << DtwIsaName(isa);
    }
  }
  EXPECT_THROW(ParseDtwIsa("avx-512"), core::InputError);
  EXPECT_THROW(ParseDtwIsa(""), core::InputError);
  const ScopedDtwIsa scoped(DtwIsa::kGeneric);
  EXPECT_EQ(ActiveDtwIsa(), DtwIsa::kGeneric);
}

}  // namespace
}  // namespace immimic::mapping
