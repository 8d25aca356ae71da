#include "mapping/all_pairs.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.h"

namespace immimic::mapping {
namespace {

// Runs task(index, workspace) for index in [0, count) on up to `threads` threads. Indices are
// handed out dynamically (pairs differ in length); each writes only its own output slot. The
// exception of the lowest failing index is rethrown, so errors are deterministic too.
template <typename Task>
void ParallelFor(int count, int threads, const Task& task) {
  std::atomic<int> next{0};
  std::mutex mutex;
  int failed_index = count;
  std::exception_ptr failure;
  auto worker = [&] {
    DtwWorkspace workspace;
    for (int index = next++; index < count; index = next++) {
      try {
        task(index, workspace);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (index < failed_index) {
          failed_index = index;
          failure = std::current_exception();
        }
      }
    }
  };
  const int used = std::max(1, std::min(threads, count));
  std::vector<std::thread> pool;
  for (int t = 1; t < used; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

PreparedSequence PrepareNamed(const FrameDistance& distance, const Sequence& frames,
                              const char* side, int index) {
  try {
    return distance.Prepare(frames);
  } catch (const core::InputError& error) {
    throw core::InputError(std::string(side) + " demo " + std::to_string(index) + ": " +
                           error.what());
  }
}

}  // namespace

AllPairsAlignment AlignAllPairs(const std::vector<Sequence>& human,
                                const std::vector<Sequence>& robot, const FrameDistance& distance,
                                const AllPairsOptions& options) {
  IMMIMIC_THROW_UNLESS(!human.empty() && !robot.empty(), core::InputError,
                       "AlignAllPairs: ", human.size(), " human and ", robot.size(),
                       " robot demos");
  IMMIMIC_THROW_UNLESS(options.threads >= 0, core::InputError, "AlignAllPairs: threads ",
                       options.threads, " < 0");
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int num_human = static_cast<int>(human.size());
  const int num_robot = static_cast<int>(robot.size());

  // prepare every demo once, not once per pair
  std::vector<PreparedSequence> prepared(num_human + num_robot);
  ParallelFor(num_human + num_robot, threads, [&](int k, DtwWorkspace&) {
    prepared[k] = k < num_human
                      ? PrepareNamed(distance, human[k], "human", k)
                      : PrepareNamed(distance, robot[k - num_human], "robot", k - num_human);
  });

  AllPairsAlignment result;
  result.human_demos = num_human;
  result.robot_demos = num_robot;
  result.pairs.resize(static_cast<size_t>(num_human) * num_robot);
  ParallelFor(num_human * num_robot, threads, [&](int k, DtwWorkspace& workspace) {
    const int h = k / num_robot;
    const int r = k % num_robot;
    PairAlignment& pair = result.pairs[k];
    pair.dtw = Dtw(prepared[h], prepared[num_human + r], distance, options.dtw, &workspace);
    pair.robot_frame = AlignedRobotFrames(pair.dtw.path, prepared[h].frames());
    pair.mean_step_cost = MeanStepCost(pair.dtw);
  });
  return result;
}

}  // namespace immimic::mapping
