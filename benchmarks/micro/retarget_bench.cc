// Retargeting speed per frame (issue target: under 1 ms for the Allegro hand): a human-like
// stream of keypoints (the end-effector's own keypoints along an open -> closed -> open motion,
// with 5 mm estimator noise), solved frame by frame with warm starts as RetargetSequence does.

#include <benchmark/benchmark.h>

#include "core/rng.h"
#include "mapping/retargeter.h"

namespace immimic::mapping {
namespace {

void BM_RetargetFrame(benchmark::State& state, const std::string& name) {
  FrameRetargeter retargeter(envs::LoadEmbodimentSpec(name), LoadRetargetConfig(name));
  const Eigen::VectorXd open = retargeter.spec().OpenHand();
  const Eigen::VectorXd closed = retargeter.spec().ClosedHand();
  constexpr int kFrames = 150;  // a human demo's length
  core::Rng rng(1);
  std::vector<Eigen::Matrix3Xd> stream;
  for (int t = 0; t < kFrames; ++t) {
    const double s = 0.5 - 0.5 * std::cos(2.0 * M_PI * t / kFrames);
    Eigen::Matrix3Xd points;
    retargeter.kinematics().Points(open + s * (closed - open), &points);
    Eigen::Matrix3Xd human = Eigen::Matrix3Xd::Zero(3, kHumanKeypoints);
    for (size_t i = 0; i < retargeter.config().keypoints.size(); ++i) {
      human.col(retargeter.config().keypoints[i].human) = points.col(i);
    }
    for (int i = 0; i < kHumanKeypoints; ++i)
      for (int c = 0; c < 3; ++c) human(c, i) += 0.005 * rng.Normal();
    stream.push_back(human);
  }
  long frames = 0;
  for (auto _ : state) {
    Eigen::VectorXd previous;
    for (int t = 0; t < kFrames; ++t) {
      const FrameSolution s = retargeter.Solve(stream[t], t > 0 ? &previous : nullptr);
      previous = s.hand;
      benchmark::DoNotOptimize(previous.data());
    }
    frames += kFrames;
  }
  // seconds per frame (printed with an SI prefix: 250u = 0.25 ms)
  state.counters["per_frame"] = benchmark::Counter(
      static_cast<double>(frames), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(BM_RetargetFrame, allegro, std::string("allegro"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RetargetFrame, ability, std::string("ability"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RetargetFrame, robotiq, std::string("robotiq"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RetargetFrame, fin_ray, std::string("fin_ray"))->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace immimic::mapping

BENCHMARK_MAIN();
