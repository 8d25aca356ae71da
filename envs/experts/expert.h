#pragma once
// Scripted experts with privileged state. A task planner turns the initial object poses into a
// list of waypoints (TCP pose + hand + nominal duration); a motion style turns the waypoints
// into a 30 Hz action stream the way a person would produce it:
//  - kHumanVideo: natural speed, minimum-jerk segments, demo-to-demo variety in timing;
//  - kTeleoperation: about 4.5x slower, with hesitation pauses, small corrective overshoots and
//    low-pass operator noise on the commanded position, as in teleoperated robot demos.
// Planners may replan from the current observation at each waypoint (closed loop on object
// state) through `Replan`.

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/env.h"

namespace immimic::envs {

enum class MotionStyle { kHumanVideo, kTeleoperation };

struct Waypoint {
  Eigen::Vector3d position;
  Eigen::Matrix3d rotation;
  Eigen::VectorXd hand;
  double seconds = 1.0;  // nominal duration at human speed
  bool precise = false;  // teleoperation: approach slowly, no overshoot (grasp, place)
  std::string label;     // "approach", "grasp", ... for logs and tests
  bool quick = false;    // teleoperation: not slowed down (an operator strikes or flicks fast)
};

struct StyleParameters {
  double teleop_slowdown = 4.5;  // teleoperated durations / human durations
  double timing_jitter = 0.15;   // relative, per segment (both styles)
  double teleop_pause_probability = 0.35;
  double teleop_pause_seconds = 0.6;  // mean pause length
  double teleop_noise_m = 0.003;      // operator hand tremor, low-pass filtered (m)
  double teleop_overshoot_m = 0.008;  // corrective overshoot on non-precise segments (m)
  // A teleoperated 1-DoF gripper is driven by a trigger: its command goes from open to closed
  // (or back) in this time at the start of a segment, not over the whole slowed-down segment.
  // A slow ramp would keep commanding new values while the fingers rest on the object and the
  // observation stays the same, which a policy cannot tell apart (docs/experiments/methods_log.md).
  double teleop_trigger_seconds = 0.2;
};

// What a planner sees: the env (embodiment, config), the current observation, a seeded rng.
struct ExpertContext {
  const Env& env;
  const Observation& obs;
  core::Rng& rng;
};

class TaskPlanner {
 public:
  virtual ~TaskPlanner() = default;
  // The full plan from the initial state.
  virtual std::vector<Waypoint> Plan(const ExpertContext& context) = 0;
  // Called before waypoint `index` is executed; may rewrite the remaining plan from the current
  // object state (default: keep it).
  virtual void Replan(const ExpertContext& context, size_t index, std::vector<Waypoint>* plan) {}
};

// Planners for registered tasks; "" is the tabletop cube (lift). Throws for unknown tasks.
std::unique_ptr<TaskPlanner> MakeTaskPlanner(const std::string& task);

struct ExpertEpisode {
  std::vector<Eigen::VectorXd> actions;
  std::vector<Observation> observations;  // observation before each action, plus the last one
  bool success = false;
  bool truncated = false;
  std::string truncation_reason;
  int steps = 0;
};

// Called with the env in the state each recorded observation comes from: before every action
// and once after the last (data collection reads simulator state, e.g. keypoint sites, here).
using StepObserver = std::function<void(const Env&)>;

// Runs one episode: Reset(seed), plan, follow the waypoints in the style until the plan ends
// (then holds `settle_seconds` to let objects come to rest) or the env ends the episode.
// Deterministic for a given seed. `record` keeps actions and observations.
ExpertEpisode RunExpert(Env& env, uint64_t seed, MotionStyle style, bool record,
                        const StyleParameters& parameters = {}, double settle_seconds = 1.0,
                        const StepObserver& observer = nullptr);

// Minimum-jerk time scaling s(t) in [0, 1] for t in [0, 1].
double MinimumJerk(double t);

}  // namespace immimic::envs
