#include "mapping/all_pairs.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "core/parallel_for.h"

namespace immimic::mapping {
namespace {

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
  const int num_human = static_cast<int>(human.size());
  const int num_robot = static_cast<int>(robot.size());
  const int threads = core::ThreadsFor(options.threads, num_human * num_robot);

  // prepare every demo once, not once per pair
  std::vector<PreparedSequence> prepared(num_human + num_robot);
  core::ParallelFor<DtwWorkspace>(num_human + num_robot, threads, [&](int k, DtwWorkspace&) {
    prepared[k] = k < num_human
                      ? PrepareNamed(distance, human[k], "human", k)
                      : PrepareNamed(distance, robot[k - num_human], "robot", k - num_human);
  });

  AllPairsAlignment result;
  result.human_demos = num_human;
  result.robot_demos = num_robot;
  result.pairs.resize(static_cast<size_t>(num_human) * num_robot);
  core::ParallelFor<DtwWorkspace>(
      num_human * num_robot, threads, [&](int k, DtwWorkspace& workspace) {
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
