#include "mapping/dtw.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>

#include "core/error.h"
#include "mapping/dtw_lanes.h"

namespace immimic::mapping {
namespace {

constexpr CostValue kInf = std::numeric_limits<CostValue>::infinity();
constexpr int kLanes = kTileLanes;
// Wavefront steps whose frame distances are computed in one call (a 4 KiB tile, in L1).
constexpr int kChunk = 64;

// How a cell was entered: the tie-break order of dtw.h.
constexpr int32_t kFromDiagonal = 0, kFromUp = 1, kFromLeft = 2;

// Allowed robot frames [lo[i], hi[i]] of each human frame i.
struct Band {
  std::vector<int> lo, hi;
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

// Blocks of kLanes human frames are swept by anti-diagonals: at step s, lane l holds row
// i0 + kLanes - 1 - l at robot frame s + l, so the three cells a cell depends on were computed
// one step (left: same lane; up: lane l + 1) and two steps (diagonal) earlier and a whole step
// is one vector operation per register (one register on AVX-512, two on AVX2, four generic). Each
// cell is still cost + min(diagonal, up, left), the textbook recursion, so costs are bit-identical
// to a row-by-row implementation.
struct BlockSpan {
  int first_step, last_step;
};

BlockSpan SpanOf(const Band& band, int i0, int rows) {
  // lane of row i0 + r is kLanes - 1 - r; its robot frames [lo, hi] are steps lo - l .. hi - l
  return {band.lo[i0] - (kLanes - 1), band.hi[i0 + rows - 1] - (kLanes - 1) + (rows - 1)};
}

// The accumulated costs of a block's last two steps, lane by lane, carried between chunks.
struct SweepState {
  CostValue left[kLanes], diagonal[kLanes];
};

// One block over a chunk of steps whose tile cells outside the band are +inf already.
// above/below are indexed by robot frame + kLanes + 1 (frame -1, before the first, is index
// kLanes).
struct ChunkArgs {
  const CostValue* tile;
  int first, steps;
  const CostValue* above;
  CostValue* below;
  SweepState* state;
  signed char* predecessor;  // null: cost only
};

// Predecessor codes of W lanes, masks being -1 or 0: 0 (diagonal), else 2 + (-1 when up <= left)
template <int W>
IMMIMIC_LANES_INLINE lanes::Mask<W> Codes(const lanes::Float<W>& diagonal,
                                          const lanes::Float<W>& up, const lanes::Float<W>& left) {
  const lanes::Mask<W> not_diagonal = ~((diagonal <= up) & (diagonal <= left));
  return not_diagonal & (kFromLeft + (up <= left));
}

// One step's codes as bytes, lane order kept.
template <int W>
IMMIMIC_LANES_INLINE void StoreCodes(signed char* __restrict out,
                                     const lanes::Mask<W> (&codes)[kLanes / W]) {
  if constexpr (W == 8) {
    // codes are 0..2: both registers' codes in bytes 0 and 1 of each lane, then one byte
    // shuffle (the loop below is narrowed lane by lane on AVX2)
    typedef signed char Bytes32 __attribute__((vector_size(32)));
    typedef signed char Bytes16 __attribute__((vector_size(16)));
    const Bytes32 both = reinterpret_cast<Bytes32>(codes[0] | (codes[1] << 8));
    const Bytes16 bytes = __builtin_shufflevector(both, both, 0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9,
                                                  13, 17, 21, 25, 29);
    __builtin_memcpy(out, &bytes, sizeof(bytes));
  } else {
    // a plain loop, which the compiler narrows with its target's packs
    int32_t wide[kLanes];
    __builtin_memcpy(wide, codes, sizeof(wide));
    for (int l = 0; l < kLanes; ++l) out[l] = static_cast<signed char>(wide[l]);
  }
}

// The recursion on kLanes / W vectors of W lanes; lane 0 of part 0 is the block's last row.
template <int W>
IMMIMIC_LANES_INLINE void SweepChunkBody(const ChunkArgs& args) {
  using Float = lanes::Float<W>;
  constexpr int kParts = kLanes / W;
  const CostValue* __restrict tile = args.tile;
  const CostValue* __restrict above = args.above;
  CostValue* __restrict below = args.below;
  signed char* __restrict predecessor = args.predecessor;
  Float left[kParts], diagonal[kParts];
  for (int p = 0; p < kParts; ++p) {
    left[p] = lanes::Load<W>(args.state->left + p * W);
    diagonal[p] = lanes::Load<W>(args.state->diagonal + p * W);
  }
  for (int k = 0; k < args.steps; ++k) {
    const int s = args.first + k;
    // up: the lane above one step ago; the top lane's comes from the row above the block
    const Float row_above = lanes::Broadcast<W>(above[s + 2 * kLanes]);
    Float up[kParts];
    for (int p = 0; p < kParts; ++p) {
      up[p] = lanes::ShiftIn<W>(left[p], p + 1 < kParts ? left[p + 1] : row_above);
    }
    lanes::Mask<W> codes[kParts];
    for (int p = 0; p < kParts; ++p) {
      // min(diagonal, left) does not wait for the shift: a shorter chain between steps
      const Float diagonal_or_left = lanes::Min<W>(diagonal[p], left[p]);
      const Float cost = lanes::Load<W>(tile + k * kLanes + p * W);
      if (predecessor) codes[p] = Codes<W>(diagonal[p], up[p], left[p]);
      diagonal[p] = up[p];
      left[p] = cost + lanes::Min<W>(up[p], diagonal_or_left);
    }
    if (predecessor) StoreCodes<W>(predecessor + k * kLanes, codes);
    below[s + kLanes + 1] = left[0][0];
  }
  for (int p = 0; p < kParts; ++p) {
    lanes::Store<W>(args.state->left + p * W, left[p]);
    lanes::Store<W>(args.state->diagonal + p * W, diagonal[p]);
  }
}

#if defined(__x86_64__)
// AVX-512: the same recursion written out for one 16-float register. GCC 12 splits vector
// comparisons inlined from a template into a function compiled for AVX-512 lane by lane, so this
// copy keeps them in the function itself; and no 512-bit vector crosses a call (the lanes::
// helpers), which clang refuses outside a function compiled for AVX-512.
IMMIMIC_TARGET_AVX512 void SweepChunkAvx512(const ChunkArgs& args) {
  static_assert(kLanes == 16, "the shuffle below is written for 16 lanes");
  using Float = lanes::Float<kLanes>;
  typedef signed char Bytes __attribute__((vector_size(kLanes)));
  const CostValue* __restrict tile = args.tile;
  const CostValue* __restrict above = args.above;
  CostValue* __restrict below = args.below;
  signed char* __restrict predecessor = args.predecessor;
  Float left, diagonal, tile_step;
  __builtin_memcpy(&left, args.state->left, sizeof(left));
  __builtin_memcpy(&diagonal, args.state->diagonal, sizeof(diagonal));
  for (int k = 0; k < args.steps; ++k) {
    const int s = args.first + k;
    // lanes 1..15 of left, then the row above's next cell (lanes::ShiftIn)
    const Float up = __builtin_shufflevector(left, Float{} + above[s + 2 * kLanes], 1, 2, 3, 4, 5,
                                             6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    const Float diagonal_or_left = diagonal < left ? diagonal : left;
    __builtin_memcpy(&tile_step, tile + k * kLanes, sizeof(tile_step));
    const Float cell = tile_step + (up < diagonal_or_left ? up : diagonal_or_left);
    if (predecessor) {
      const lanes::Mask<kLanes> not_diagonal = ~((diagonal <= up) & (diagonal <= left));
      const lanes::Mask<kLanes> code = not_diagonal & (kFromLeft + (up <= left));
      const Bytes bytes = __builtin_convertvector(code, Bytes);
      __builtin_memcpy(predecessor + k * kLanes, &bytes, sizeof(bytes));
    }
    below[s + kLanes + 1] = cell[0];
    diagonal = up;
    left = cell;
  }
  __builtin_memcpy(args.state->left, &left, sizeof(left));
  __builtin_memcpy(args.state->diagonal, &diagonal, sizeof(diagonal));
}

IMMIMIC_TARGET_AVX2 void SweepChunkAvx2(const ChunkArgs& args) { SweepChunkBody<8>(args); }
#endif
void SweepChunkGeneric(const ChunkArgs& args) { SweepChunkBody<4>(args); }

void SweepChunk(DtwIsa isa, const ChunkArgs& args) {
  switch (isa) {
#if defined(__x86_64__)
    case DtwIsa::kAvx512:
      return SweepChunkAvx512(args);
    case DtwIsa::kAvx2:
      return SweepChunkAvx2(args);
#endif
    default:
      return SweepChunkGeneric(args);
  }
}

// Sweeps all blocks; fill(i0, s0, steps, out) writes the tile of FrameDistance::CostTile.
// With a path, records every cell's predecessor in ws. Returns the total cost.
template <typename FillTile>
CostValue Sweep(int n, int m, const Band& band, const FillTile& fill, bool path, DtwWorkspace& ws) {
  const DtwIsa isa = ActiveDtwIsa();
  const int blocks = (n + kLanes - 1) / kLanes;
  const size_t width = static_cast<size_t>(m) + 2 * kLanes + 1;
  ws.above.assign(width, kInf);
  ws.below.assign(width, kInf);
  ws.above[kLanes] = 0.0;  // virtual cell before (0, 0)
  ws.tile.resize(kChunk * kLanes);
  if (path) {
    ws.block_offset.resize(blocks + 1);
    ws.block_first_step.resize(blocks);
    ws.block_offset[0] = 0;
    for (int b = 0; b < blocks; ++b) {
      const BlockSpan span = SpanOf(band, b * kLanes, std::min(kLanes, n - b * kLanes));
      ws.block_first_step[b] = span.first_step;
      ws.block_offset[b + 1] =
          ws.block_offset[b] + static_cast<size_t>(span.last_step - span.first_step + 1) * kLanes;
    }
    ws.predecessor.resize(ws.block_offset[blocks]);
  }
  CostValue total = kInf;
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * kLanes;
    const int rows = std::min(kLanes, n - i0);
    const BlockSpan span = SpanOf(band, i0, rows);
    // robot frames allowed per lane (none for lanes past the last row), and the steps at which
    // every lane is inside its band and needs no masking
    int lo[kLanes], hi[kLanes];
    int all_in_first = std::numeric_limits<int>::min(), all_in_last = span.last_step;
    for (int l = 0; l < kLanes; ++l) {
      const int r = kLanes - 1 - l;
      lo[l] = r < rows ? band.lo[i0 + r] : m;
      hi[l] = r < rows ? band.hi[i0 + r] : -1;
      all_in_first = std::max(all_in_first, lo[l] - l);
      all_in_last = std::min(all_in_last, hi[l] - l);
    }
    SweepState state;
    std::fill(std::begin(state.left), std::end(state.left), kInf);
    std::fill(std::begin(state.diagonal), std::end(state.diagonal), kInf);
    state.diagonal[kLanes - 1] = ws.above[span.first_step + 2 * kLanes - 1];
    for (int s0 = span.first_step; s0 <= span.last_step; s0 += kChunk) {
      const int steps = std::min(kChunk, span.last_step - s0 + 1);
      fill(i0, s0, steps, ws.tile.data());
      // mask only the steps before all_in_first and after all_in_last
      const auto mask_steps = [&](int k_begin, int k_end) {
        for (int k = std::max(0, k_begin); k < std::min(steps, k_end); ++k) {
          const int s = s0 + k;
          for (int l = 0; l < kLanes; ++l) {
            if (s + l < lo[l] || s + l > hi[l]) ws.tile[k * kLanes + l] = kInf;
          }
        }
      };
      if (all_in_first > all_in_last) {
        mask_steps(0, steps);
      } else {
        mask_steps(0, all_in_first - s0);
        mask_steps(all_in_last + 1 - s0, steps);
      }
      signed char* predecessor = path ? ws.predecessor.data() + ws.block_offset[b] +
                                            static_cast<size_t>(s0 - span.first_step) * kLanes
                                      : nullptr;
      SweepChunk(
          isa, {ws.tile.data(), s0, steps, ws.above.data(), ws.below.data(), &state, predecessor});
    }
    if (b == blocks - 1) {
      // row n - 1 is lane kLanes - rows and reached robot frame m - 1 at the last step
      total = state.left[kLanes - rows];
    }
    std::swap(ws.above, ws.below);
    std::fill(ws.below.begin(), ws.below.end(), kInf);
  }
  return total;
}

// Follows the recorded predecessors back from (n-1, m-1).
WarpingPath Backtrack(int n, int m, const DtwWorkspace& ws) {
  WarpingPath path;
  path.reserve(n + m - 1);
  int i = n - 1, j = m - 1;
  path.emplace_back(i, j);
  while (i > 0 || j > 0) {
    const int b = i / kLanes;
    const int lane = kLanes - 1 - i % kLanes;
    const int step = j - lane;
    const signed char code =
        ws.predecessor[ws.block_offset[b] +
                       static_cast<size_t>(step - ws.block_first_step[b]) * kLanes + lane];
    if (code == kFromDiagonal) {
      --i;
      --j;
    } else if (code == kFromUp) {
      --i;
    } else {
      --j;
    }
    path.emplace_back(i, j);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

template <typename FillTile>
DtwResult Solve(int n, int m, const FillTile& fill, const DtwOptions& options,
                DtwWorkspace* workspace) {
  const Band band = MakeBand(n, m, options.window);
  DtwWorkspace local;
  DtwWorkspace& ws = workspace ? *workspace : local;
  DtwResult result;
  result.cost = Sweep(n, m, band, fill, /*path=*/true, ws);
  result.path = Backtrack(n, m, ws);
  return result;
}

template <typename FillTile>
double SolveCost(int n, int m, const FillTile& fill, const DtwOptions& options,
                 DtwWorkspace* workspace) {
  const Band band = MakeBand(n, m, options.window);
  DtwWorkspace local;
  return Sweep(n, m, band, fill, /*path=*/false, workspace ? *workspace : local);
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
  return [&](int i0, int s0, int steps, CostValue* out) {
    distance.CostTile(human, i0, robot, s0, steps, out);
  };
}

// the tile of CostTile from a callback, rounded to single precision; cells outside the matrix are
// masked by the sweep
auto CallbackFill(int n, int m, const CostFunction& cost) {
  return [&cost, n, m](int i0, int s0, int steps, CostValue* out) {
    for (int k = 0; k < steps; ++k) {
      for (int l = 0; l < kLanes; ++l) {
        const int i = i0 + kLanes - 1 - l, j = s0 + k + l;
        double value = 0.0;
        if (i < n && j >= 0 && j < m) {
          value = cost(i, j);
          IMMIMIC_THROW_UNLESS(!std::isnan(value), core::InputError, "DTW: cost(", i, ", ", j,
                               ") is NaN");
          IMMIMIC_THROW_UNLESS(
              std::isinf(value) || std::abs(value) <= std::numeric_limits<CostValue>::max(),
              core::InputError, "DTW: cost(", i, ", ", j, ") = ", value,
              " is beyond single precision");
        }
        out[k * kLanes + l] = static_cast<CostValue>(value);
      }
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
  return Solve(n, m, CallbackFill(n, m, cost), options, nullptr);
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
  return SolveCost(n, m, CallbackFill(n, m, cost), options, nullptr);
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
