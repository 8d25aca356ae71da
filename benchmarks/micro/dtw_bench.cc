// Google Benchmark of DTW all-pairs alignment at paper sizes: 100 human demos of 150 frames
// against 5 robot demos of 700 frames, action distance on d = 7 (gripper, 1 joint) and d = 22
// (Allegro, 16 joints). Compared in the same run with a textbook full-matrix DTW written below.
// Run: ./build/benchmarks/dtw_benchmarks (add --benchmark_filter=gripper for one embodiment)

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <benchmark/benchmark.h>

#include "core/rng.h"
#include "core/rotation.h"
#include "mapping/all_pairs.h"
#include "mapping/textbook_dtw.h"

namespace immimic::benchmarks {
namespace {

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

// textbook: distance from raw actions per cell, (n+1) x (m+1) table, then the path
double TextbookDistance(const Sequence& a, int i, const Sequence& b, int j, int hand_joints) {
  double d = 0.0;
  for (int k = 0; k < 3; ++k) d += std::abs(a(i, k) - b(j, k));
  for (int k = 6; k < 6 + hand_joints; ++k) d += std::abs(a(i, k) - b(j, k)) / hand_joints;
  const Eigen::Matrix3d ra = core::MatrixFromAxisAngle(a.row(i).segment<3>(3));
  const Eigen::Matrix3d rb = core::MatrixFromAxisAngle(b.row(j).segment<3>(3));
  return d + 0.1 * core::AngleBetween(ra, rb);
}

mapping::DtwResult TextbookDtw(const Sequence& a, const Sequence& b, int hand_joints) {
  return mapping::TextbookDtw(
      static_cast<int>(a.rows()), static_cast<int>(b.rows()),
      [&](int i, int j) { return TextbookDistance(a, i, b, j, hand_joints); });
}

void SetCells(benchmark::State& state) {
  state.counters["cells/s"] =
      benchmark::Counter(kCells * state.iterations(), benchmark::Counter::kIsRate);
}

// AlignAllPairs: paths, aligned frames and Action Distance for all 500 pairs
void AllPairsWithPath(benchmark::State& state, int hand_joints) {
  const Workload& w = GetWorkload(hand_joints);
  const mapping::ActionFrameDistance distance(hand_joints);
  mapping::AllPairsOptions options;
  options.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(mapping::AlignAllPairs(w.human, w.robot, distance, options));
  }
  SetCells(state);
}

// DtwCost (rolling rows, no path), one thread
void AllPairsCostOnly(benchmark::State& state, int hand_joints) {
  const Workload& w = GetWorkload(hand_joints);
  const mapping::ActionFrameDistance distance(hand_joints);
  mapping::DtwWorkspace workspace;
  for (auto _ : state) {
    std::vector<mapping::PreparedSequence> robot;
    for (const Sequence& r : w.robot) robot.push_back(distance.Prepare(r));
    double total = 0.0;
    for (const Sequence& h : w.human) {
      const mapping::PreparedSequence human = distance.Prepare(h);
      for (const auto& r : robot) total += mapping::DtwCost(human, r, distance, {}, &workspace);
    }
    benchmark::DoNotOptimize(total);
  }
  SetCells(state);
}

// the textbook version, one thread; also reports its largest cost difference to mapping::Dtw
void TextbookAllPairs(benchmark::State& state, int hand_joints) {
  const Workload& w = GetWorkload(hand_joints);
  double max_difference = 0.0;
  for (auto _ : state) {
    for (const Sequence& h : w.human)
      for (const Sequence& r : w.robot) benchmark::DoNotOptimize(TextbookDtw(h, r, hand_joints));
  }
  const mapping::ActionFrameDistance distance(hand_joints);
  for (int h = 0; h < 3; ++h) {
    const double reference = TextbookDtw(w.human[h], w.robot[0], hand_joints).cost;
    const double ours = mapping::Dtw(w.human[h], w.robot[0], distance).cost;
    max_difference = std::max(max_difference, std::abs(reference - ours) / reference);
  }
  SetCells(state);
  state.counters["rel_cost_diff"] = max_difference;
}

BENCHMARK_CAPTURE(AllPairsWithPath, gripper_d7, 1)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(AllPairsWithPath, allegro_d22, 16)
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(AllPairsCostOnly, gripper_d7, 1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(AllPairsCostOnly, allegro_d22, 16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(TextbookAllPairs, gripper_d7, 1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(TextbookAllPairs, allegro_d22, 16)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace immimic::benchmarks

BENCHMARK_MAIN();
