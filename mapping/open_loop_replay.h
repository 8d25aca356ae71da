#pragma once
// Open-loop check of retargeting: each retargeted human demo's actions are played on the robot
// end-effector in simulation, from the human episode's own seed (same object placement), with no
// feedback; then the last action is held for a moment so a carried object can settle. The
// success rate measures how far apart the human and robot action spaces really are.

#include <string>
#include <vector>

namespace immimic::mapping {

struct ReplayOptions {
  int hold_frames = 30;  // the last action held this many control steps after the demo ends
  int max_demos = 0;     // 0: all
};

struct ReplaySummary {
  std::string task, embodiment;
  int demos = 0;
  int successes = 0;
  std::vector<bool> success;  // per demo, in file order
  double success_rate() const { return demos > 0 ? static_cast<double>(successes) / demos : 0.0; }
};

// `retargeted_path`: an immimic retarget output. Throws core::InputError if it is not one, or a
// demo has no seed attribute.
ReplaySummary ReplayRetargeted(const std::string& retargeted_path,
                               const ReplayOptions& options = {});

}  // namespace immimic::mapping
