// Google Benchmark of DTW all-pairs alignment at paper sizes: 100 human demos of 150 frames
// against 5 robot demos of 700 frames, action distance on d = 7 (gripper, 1 joint) and d = 22
// (Allegro, 16 joints), once per instruction set this CPU runs (mapping/dtw_isa.h). Anchor in the
// same run: a plain two-row DTW loop with the same frame distance, compiled for each instruction
// set too, so the speed-up over straightforward code can be read on the machine at hand.
// Time is wall time, CPU the CPU time of all threads of the process (on a shared machine the
// steadier of the two for one thread).
// Run: ./build/benchmarks/dtw_benchmarks (add --benchmark_filter=gripper for one embodiment)

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/rng.h"
#include "mapping/all_pairs.h"
#include "mapping/dtw_isa.h"

namespace immimic::benchmarks {
namespace {

using mapping::DtwIsa;
using mapping::Sequence;

constexpr int kHumanDemos = 100;
constexpr int kRobotDemos = 5;
constexpr int kHumanFrames = 150;
constexpr int kRobotFrames = 700;
constexpr double kCells =
    static_cast<double>(kHumanDemos) * kRobotDemos * kHumanFrames * kRobotFrames;

// smooth random walks, like end-effector trajectories
Sequence RandomWalk(core::Rng& rng, int frames, int hand_joints) {
  Sequence s(frames, 6 + hand_joints);
  Eigen::RowVectorXd x = Eigen::RowVectorXd::Zero(6 + hand_joints);
  for (int i = 0; i < frames; ++i) {
    for (int k = 0; k < x.size(); ++k) x(k) += rng.Normal(0.0, k < 3 ? 0.005 : 0.02);
    s.row(i) = x;
  }
  return s;
}

struct Workload {
  std::vector<Sequence> human, robot;
};

const Workload& GetWorkload(int hand_joints) {
  static Workload gripper, allegro;
  Workload& w = hand_joints == 1 ? gripper : allegro;
  if (w.human.empty()) {
    core::Rng rng(hand_joints);
    for (int h = 0; h < kHumanDemos; ++h)
      w.human.push_back(RandomWalk(rng, kHumanFrames, hand_joints));
    for (int r = 0; r < kRobotDemos; ++r)
      w.robot.push_back(RandomWalk(rng, kRobotFrames, hand_joints));
  }
  return w;
}

void SetCells(benchmark::State& state) {
  state.counters["cells/s"] =
      benchmark::Counter(kCells * state.iterations(), benchmark::Counter::kIsRate);
}

// AlignAllPairs: paths, aligned frames and Action Distance for all 500 pairs
void AllPairsWithPath(benchmark::State& state, int hand_joints, DtwIsa isa, int threads) {
  mapping::UseDtwIsa(isa);
  const Workload& w = GetWorkload(hand_joints);
  const mapping::ActionFrameDistance distance(hand_joints);
  mapping::AllPairsOptions options;
  options.threads = threads;
  for (auto _ : state) {
    benchmark::DoNotOptimize(mapping::AlignAllPairs(w.human, w.robot, distance, options));
  }
  SetCells(state);
}

double SumOfDtwCosts(const Workload& w, const mapping::ActionFrameDistance& distance,
                     mapping::DtwWorkspace& workspace) {
  std::vector<mapping::PreparedSequence> robot;
  for (const Sequence& r : w.robot) robot.push_back(distance.Prepare(r));
  double total = 0.0;
  for (const Sequence& h : w.human) {
    const mapping::PreparedSequence human = distance.Prepare(h);
    for (const auto& r : robot) total += mapping::DtwCost(human, r, distance, {}, &workspace);
  }
  return total;
}

// DtwCost (rolling rows, no path), one thread
void AllPairsCostOnly(benchmark::State& state, int hand_joints, DtwIsa isa) {
  mapping::UseDtwIsa(isa);
  const Workload& w = GetWorkload(hand_joints);
  const mapping::ActionFrameDistance distance(hand_joints);
  mapping::DtwWorkspace workspace;
  for (auto _ : state) benchmark::DoNotOptimize(SumOfDtwCosts(w, distance, workspace));
  SetCells(state);
}

// ---- the anchor: plain two-row DTW, as one would first write it ----

// frames x features, one frame per row: [weighted translation and joints, quaternion w x y z]
struct PlainFrames {
  int frames = 0, features = 0;
  std::vector<float> values;
  const float* frame(int i) const { return values.data() + static_cast<size_t>(i) * features; }
};

PlainFrames ToPlainFrames(const mapping::PreparedSequence& prepared) {
  PlainFrames plain{prepared.frames(), static_cast<int>(prepared.features.cols()), {}};
  for (int i = 0; i < plain.frames; ++i)
    for (int c = 0; c < plain.features; ++c) plain.values.push_back(*prepared.frame_column(c, i));
  return plain;
}

// ActionFrameDistance's arithmetic, in its order, so the costs come out bit for bit the same
inline float PlainDistance(const float* a, const float* b, int scaled, float rotation_weight) {
  const float *qa = a + scaled, *qb = b + scaled;
  const float dot = qa[0] * qb[0] + qa[1] * qb[1] + qa[2] * qb[2] + qa[3] * qb[3];
  float chord = 0.0f;
  for (int k = 0; k < 4; ++k) {
    const float e = qa[k] - (std::signbit(dot) ? -qb[k] : qb[k]);
    chord += e * e;
  }
  float d = rotation_weight *
            (2.0f * std::sqrt(0.5f * chord) * mapping::GeodesicAnglePolynomial(std::abs(dot)));
  for (int c = 0; c < scaled; ++c) d += std::abs(a[c] - b[c]);
  return d;
}

// Two rows of the (n+1) x (m+1) table, column 0 and row 0 at +inf but (0, 0) = 0. With codes,
// also the step into every cell (0 diagonal, 1 up, 2 left; dtw.h's tie order), n x m bytes.
inline float PlainDtw(const PlainFrames& h, const PlainFrames& r, float rotation_weight,
                      std::vector<float>& above, std::vector<float>& row, uint8_t* codes) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const int scaled = h.features - 4;
  above.assign(r.frames + 1, kInf);
  row.assign(r.frames + 1, kInf);
  above[0] = 0.0f;
  for (int i = 0; i < h.frames; ++i) {
    row[0] = kInf;
    for (int j = 1; j <= r.frames; ++j) {
      const float diagonal = above[j - 1], up = above[j], left = row[j - 1];
      const float best = std::min(std::min(diagonal, left), up);
      row[j] = PlainDistance(h.frame(i), r.frame(j - 1), scaled, rotation_weight) + best;
      if (codes) {
        *codes++ = diagonal <= up && diagonal <= left ? 0 : (up <= left ? 1 : 2);
      }
    }
    std::swap(above, row);
    above[0] = kInf;
  }
  return above[r.frames];
}

mapping::WarpingPath PlainBacktrack(int n, int m, const uint8_t* codes) {
  mapping::WarpingPath path;
  int i = n - 1, j = m - 1;
  path.emplace_back(i, j);
  while (i > 0 || j > 0) {
    const uint8_t code = codes[static_cast<size_t>(i) * m + j];
    if (code != 2) --i;
    if (code != 1) --j;
    path.emplace_back(i, j);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

// All pairs through the plain loop, one thread; with_path: paths, aligned frames and mean step
// cost as AlignAllPairs gives them. Returns the sum of the costs.
template <bool kWithPath>
inline double PlainAllPairsBody(const Workload& w, const mapping::ActionFrameDistance& distance) {
  std::vector<PlainFrames> robot;
  for (const Sequence& r : w.robot) robot.push_back(ToPlainFrames(distance.Prepare(r)));
  std::vector<float> above, row;
  std::vector<uint8_t> codes;
  double total = 0.0;
  for (const Sequence& hs : w.human) {
    const PlainFrames h = ToPlainFrames(distance.Prepare(hs));
    for (const PlainFrames& r : robot) {
      if (kWithPath) codes.resize(static_cast<size_t>(h.frames) * r.frames);
      mapping::DtwResult result;
      result.cost = PlainDtw(h, r, 0.1f, above, row, kWithPath ? codes.data() : nullptr);
      if (kWithPath) {
        result.path = PlainBacktrack(h.frames, r.frames, codes.data());
        benchmark::DoNotOptimize(mapping::AlignedRobotFrames(result.path, h.frames));
        benchmark::DoNotOptimize(mapping::MeanStepCost(result));
      }
      total += result.cost;
    }
  }
  return total;
}

// the anchor compiled for each instruction set, as -march would
using PlainAllPairsFunction = double (*)(const Workload&, const mapping::ActionFrameDistance&);
#if defined(__x86_64__)
#define IMMIMIC_PLAIN_FOR(name, target_attribute, with_path)                               \
  target_attribute double name(const Workload& w, const mapping::ActionFrameDistance& d) { \
    return PlainAllPairsBody<with_path>(w, d);                                             \
  }
IMMIMIC_PLAIN_FOR(PlainCostAvx512, __attribute__((target("arch=x86-64-v4"))), false)
IMMIMIC_PLAIN_FOR(PlainPathAvx512, __attribute__((target("arch=x86-64-v4"))), true)
IMMIMIC_PLAIN_FOR(PlainCostAvx2, __attribute__((target("arch=x86-64-v3"))), false)
IMMIMIC_PLAIN_FOR(PlainPathAvx2, __attribute__((target("arch=x86-64-v3"))), true)
#undef IMMIMIC_PLAIN_FOR
#endif
double PlainCostGeneric(const Workload& w, const mapping::ActionFrameDistance& d) {
  return PlainAllPairsBody<false>(w, d);
}
double PlainPathGeneric(const Workload& w, const mapping::ActionFrameDistance& d) {
  return PlainAllPairsBody<true>(w, d);
}

PlainAllPairsFunction PlainFor(DtwIsa isa, bool with_path) {
  switch (isa) {
#if defined(__x86_64__)
    case DtwIsa::kAvx512:
      return with_path ? PlainPathAvx512 : PlainCostAvx512;
    case DtwIsa::kAvx2:
      return with_path ? PlainPathAvx2 : PlainCostAvx2;
#endif
    default:
      return with_path ? PlainPathGeneric : PlainCostGeneric;
  }
}

// The anchor; same_cost: 1 when its summed cost equals DtwCost's bit for bit.
void PlainTwoRow(benchmark::State& state, int hand_joints, DtwIsa isa, bool with_path) {
  mapping::UseDtwIsa(isa);
  const Workload& w = GetWorkload(hand_joints);
  const mapping::ActionFrameDistance distance(hand_joints);
  const PlainAllPairsFunction plain = PlainFor(isa, with_path);
  double total = 0.0;
  for (auto _ : state) benchmark::DoNotOptimize(total = plain(w, distance));
  mapping::DtwWorkspace workspace;
  SetCells(state);
  state.counters["same_cost"] = total == SumOfDtwCosts(w, distance, workspace);
}

void RegisterAll() {
  struct Case {
    const char* name;
    int hand_joints;
  };
  for (const Case& c : {Case{"gripper_d7", 1}, Case{"allegro_d22", 16}}) {
    for (DtwIsa isa : mapping::SupportedDtwIsas()) {
      const std::string suffix = std::string(c.name) + "/" + mapping::DtwIsaName(isa);
      for (int threads : {1, 2}) {
        benchmark::RegisterBenchmark(
            ("AllPairsWithPath/" + suffix + "/threads:" + std::to_string(threads)).c_str(),
            [=](benchmark::State& state) { AllPairsWithPath(state, c.hand_joints, isa, threads); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MeasureProcessCPUTime();
      }
      benchmark::RegisterBenchmark(
          ("AllPairsCostOnly/" + suffix).c_str(),
          [=](benchmark::State& state) { AllPairsCostOnly(state, c.hand_joints, isa); })
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MeasureProcessCPUTime();
      for (bool with_path : {false, true}) {
        benchmark::RegisterBenchmark(
            ((with_path ? "PlainTwoRowWithPath/" : "PlainTwoRow/") + suffix).c_str(),
            [=](benchmark::State& state) { PlainTwoRow(state, c.hand_joints, isa, with_path); })
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MeasureProcessCPUTime();
      }
    }
  }
}

}  // namespace
}  // namespace immimic::benchmarks

int main(int argc, char** argv) {
  immimic::benchmarks::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
