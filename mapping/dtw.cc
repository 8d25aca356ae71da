#include "mapping/dtw.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace immimic::mapping {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Rows computed together: each row's running minimum is a serial add+min chain, so interleaving
// a few rows keeps the core busy while one chain waits.
constexpr int kBlockRows = 4;

// Allowed robot frames [lo[i], hi[i]] of each human frame i.
struct Band {
  std::vector<int> lo, hi;
  bool banded = false;
};

Band MakeBand(int n, int m, const std::optional<int>& window) {
  IMMIMIC_THROW_UNLESS(n > 0 && m > 0, core::InputError, "DTW: empty sequence (", n, " human, ", m,
                       " robot frames)");
  Band band;
  band.lo.assign(n, 0);
  band.hi.assign(n, m - 1);
  if (!window) return band;
  const int w = *window;
  IMMIMIC_THROW_UNLESS(w >= 0, core::InputError, "DTW: Sakoe-Chiba window ", w, " < 0");
  band.banded = true;
  const double slope = n > 1 ? static_cast<double>(m - 1) / (n - 1) : 0.0;
  constexpr double kSlack = 1e-9;  // i * slope is inexact; a cell exactly on the edge is inside
  for (int i = 0; i < n; ++i) {
    const double centre = i * slope;
    band.lo[i] = std::max(0, static_cast<int>(std::ceil(centre - w - kSlack)));
    band.hi[i] = std::min(m - 1, static_cast<int>(std::floor(centre + w + kSlack)));
    IMMIMIC_THROW_UNLESS(band.lo[i] <= band.hi[i], core::InputError, "DTW: Sakoe-Chiba window ", w,
                         " leaves human frame ", i, " no robot frame (n = ", n, ", m = ", m,
                         "); widen the window");
    IMMIMIC_THROW_UNLESS(i == 0 || band.lo[i] <= band.hi[i - 1] + 1, core::InputError,
                         "DTW: Sakoe-Chiba window ", w, " has no path from human frame ", i - 1,
                         " to ", i, " (n = ", n, ", m = ", m, "); widen the window");
  }
  IMMIMIC_THROW_UNLESS(band.hi[n - 1] == m - 1, core::InputError, "DTW: Sakoe-Chiba window ", w,
                       " does not reach robot frame ", m - 1, " from the single human frame");
  return band;
}

// Rows cur[0..R) of the accumulated cost over padded columns [lo, hi]; prev is the row above.
// Padded column j holds robot frame j - 1; column 0 and cells outside the band hold +inf.
template <int R>
void BlockRows(const double* prev, double* const* cur, const double* const* cost, int lo, int hi) {
  double left[R];
  for (int r = 0; r < R; ++r) left[r] = cur[r][lo - 1];
  double diag = prev[lo - 1];
  for (int j = lo; j <= hi; ++j) {
    double row_diag = diag;  // row above at j - 1, then each row's own j - 1 for the next
    double up = prev[j];
    diag = up;
    for (int r = 0; r < R; ++r) {
      const double d = cost[r][j] + std::min(std::min(row_diag, up), left[r]);
      row_diag = left[r];
      up = d;
      left[r] = d;
      cur[r][j] = d;
    }
  }
}

template <int R = kBlockRows>
void RunBlock(int rows, const double* prev, double* const* cur, const double* const* cost, int lo,
              int hi) {
  if constexpr (R > 1) {
    if (rows < R) return RunBlock<R - 1>(rows, prev, cur, cost, lo, hi);
  }
  BlockRows<R>(prev, cur, cost, lo, hi);
}

// Fills the accumulated cost, all n + 1 padded rows when full (for the path), else only a
// rolling window of rows. fill(i, begin, end, out) writes the distances of human frame i to
// robot frames [begin, end). Returns the total cost.
template <typename FillRow>
double Accumulate(int n, int m, const Band& band, const FillRow& fill, bool full,
                  DtwWorkspace& ws) {
  const size_t stride = static_cast<size_t>(m) + 1;
  const size_t rows_kept = full ? static_cast<size_t>(n) + 1 : kBlockRows + 1;
  ws.accumulated.resize(rows_kept * stride);
  ws.cost_rows.resize(kBlockRows * stride);
  double* acc = ws.accumulated.data();
  if (band.banded || !full) {
    std::fill(ws.accumulated.begin(), ws.accumulated.end(), kInf);
  } else {
    for (size_t r = 0; r < rows_kept; ++r) acc[r * stride] = kInf;
    std::fill(acc, acc + stride, kInf);
  }
  acc[0] = 0.0;  // virtual cell before (0, 0)

  std::array<double*, kBlockRows + 1> slot;  // rolling mode: slot[0] is the row above
  for (int r = 0; r <= kBlockRows; ++r) slot[r] = acc + r * stride;
  std::array<const double*, kBlockRows> cost;
  for (int r = 0; r < kBlockRows; ++r) cost[r] = ws.cost_rows.data() + r * stride;

  for (int i0 = 0; i0 < n; i0 += kBlockRows) {
    const int rows = std::min(kBlockRows, n - i0);
    const int lo = band.lo[i0];
    const int hi = band.hi[i0 + rows - 1];
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r;
      double* c = ws.cost_rows.data() + r * stride + 1;
      fill(i, band.lo[i], band.hi[i] + 1, c + band.lo[i]);
      std::fill(c + lo, c + band.lo[i], kInf);
      std::fill(c + band.hi[i] + 1, c + hi + 1, kInf);
    }
    const double* prev;
    std::array<double*, kBlockRows> cur;
    if (full) {
      prev = acc + i0 * stride;
      for (int r = 0; r < rows; ++r) cur[r] = acc + (i0 + 1 + r) * stride;
    } else {
      prev = slot[0];
      for (int r = 0; r < rows; ++r) {
        cur[r] = slot[1 + r];
        cur[r][0] = kInf;  // a reused slot may be the first row, whose column 0 held 0
        if (band.banded) std::fill(cur[r] + 1, cur[r] + stride, kInf);
      }
    }
    RunBlock(rows, prev, cur.data(), cost.data(), lo + 1, hi + 1);
    if (!full) std::swap(slot[0], slot[rows]);
  }
  return full ? acc[n * stride + m] : slot[0][m];
}

// Traces one optimal path back from (n-1, m-1); ties as documented in dtw.h.
WarpingPath Backtrack(int n, int m, const DtwWorkspace& ws) {
  const size_t stride = static_cast<size_t>(m) + 1;
  const double* acc = ws.accumulated.data();
  auto at = [&](int i, int j) { return acc[i * stride + j]; };  // padded coordinates
  WarpingPath path;
  path.reserve(n + m - 1);
  int i = n, j = m;
  path.emplace_back(i - 1, j - 1);
  while (i > 1 || j > 1) {
    const double diag = at(i - 1, j - 1);
    const double up = at(i - 1, j);
    const double left = at(i, j - 1);
    if (diag <= up && diag <= left) {
      --i;
      --j;
    } else if (up <= left) {
      --i;
    } else {
      --j;
    }
    path.emplace_back(i - 1, j - 1);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

template <typename FillRow>
DtwResult Solve(int n, int m, const FillRow& fill, const DtwOptions& options,
                DtwWorkspace* workspace) {
  const Band band = MakeBand(n, m, options.window);
  DtwWorkspace local;
  DtwWorkspace& ws = workspace ? *workspace : local;
  DtwResult result;
  result.cost = Accumulate(n, m, band, fill, /*full=*/true, ws);
  result.path = Backtrack(n, m, ws);
  return result;
}

template <typename FillRow>
double SolveCost(int n, int m, const FillRow& fill, const DtwOptions& options,
                 DtwWorkspace* workspace) {
  const Band band = MakeBand(n, m, options.window);
  DtwWorkspace local;
  return Accumulate(n, m, band, fill, /*full=*/false, workspace ? *workspace : local);
}

void CheckPrepared(const PreparedSequence& human, const PreparedSequence& robot) {
  IMMIMIC_THROW_UNLESS(human.frames() > 0 && robot.frames() > 0, core::InputError,
                       "DTW: empty sequence (", human.frames(), " human, ", robot.frames(),
                       " robot frames)");
  IMMIMIC_THROW_UNLESS(human.features.cols() == robot.features.cols(), core::InputError,
                       "DTW: prepared sequences have ", human.features.cols(), " and ",
                       robot.features.cols(), " features");
}

auto DistanceFill(const PreparedSequence& human, const PreparedSequence& robot,
                  const FrameDistance& distance) {
  return [&](int i, int begin, int end, double* out) {
    distance.CostRow(human, i, robot, begin, end, out);
  };
}

auto CallbackFill(const CostFunction& cost) {
  return [&](int i, int begin, int end, double* out) {
    for (int j = begin; j < end; ++j) {
      const double value = cost(i, j);
      IMMIMIC_THROW_UNLESS(!std::isnan(value), core::InputError, "DTW: cost(", i, ", ", j,
                           ") is NaN");
      out[j - begin] = value;
    }
  };
}

}  // namespace

DtwResult Dtw(const PreparedSequence& human, const PreparedSequence& robot,
              const FrameDistance& distance, const DtwOptions& options, DtwWorkspace* workspace) {
  CheckPrepared(human, robot);
  return Solve(human.frames(), robot.frames(), DistanceFill(human, robot, distance), options,
               workspace);
}

DtwResult Dtw(const Sequence& human, const Sequence& robot, const FrameDistance& distance,
              const DtwOptions& options) {
  return Dtw(distance.Prepare(human), distance.Prepare(robot), distance, options);
}

DtwResult Dtw(const Eigen::Ref<const Eigen::MatrixXd>& cost, const DtwOptions& options) {
  const auto at = [&cost](int i, int j) { return cost(i, j); };
  return Dtw(static_cast<int>(cost.rows()), static_cast<int>(cost.cols()), CostFunction(at),
             options);
}

DtwResult Dtw(int n, int m, const CostFunction& cost, const DtwOptions& options) {
  return Solve(n, m, CallbackFill(cost), options, nullptr);
}

double DtwCost(const PreparedSequence& human, const PreparedSequence& robot,
               const FrameDistance& distance, const DtwOptions& options, DtwWorkspace* workspace) {
  CheckPrepared(human, robot);
  return SolveCost(human.frames(), robot.frames(), DistanceFill(human, robot, distance), options,
                   workspace);
}

double DtwCost(const Sequence& human, const Sequence& robot, const FrameDistance& distance,
               const DtwOptions& options) {
  return DtwCost(distance.Prepare(human), distance.Prepare(robot), distance, options);
}

double DtwCost(int n, int m, const CostFunction& cost, const DtwOptions& options) {
  return SolveCost(n, m, CallbackFill(cost), options, nullptr);
}

std::vector<int> AlignedRobotFrames(const WarpingPath& path, int human_frames) {
  IMMIMIC_THROW_UNLESS(!path.empty() && path.back().first == human_frames - 1, core::InputError,
                       "AlignedRobotFrames: path does not end at human frame ", human_frames - 1);
  std::vector<int> first(human_frames, -1), last(human_frames, -1);
  for (const auto& [i, j] : path) {
    if (first[i] < 0) first[i] = j;
    last[i] = j;
  }
  std::vector<int> aligned(human_frames);
  for (int i = 0; i < human_frames; ++i) aligned[i] = first[i] + (last[i] - first[i]) / 2;
  return aligned;
}

double MeanStepCost(const DtwResult& result) {
  IMMIMIC_THROW_UNLESS(!result.path.empty(), core::InputError, "MeanStepCost: empty path");
  return result.cost / static_cast<double>(result.path.size());
}

}  // namespace immimic::mapping
