#include "envs/experts/expert.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::envs {
namespace {

Eigen::Vector3d CurrentPosition(const Observation& obs) { return obs.proprio.head<3>(); }
Eigen::Matrix3d CurrentRotation(const Observation& obs) {
  return core::QuatFromWxyz(obs.proprio.data() + 3).toRotationMatrix();
}

// Low-pass filtered noise, one value per axis: what an operator's hand adds to a command.
class OperatorNoise {
 public:
  OperatorNoise(core::Rng& rng, double amplitude) : rng_(rng), amplitude_(amplitude) {}
  Eigen::Vector3d Next() {
    constexpr double kSmoothing = 0.9;  // ~0.3 s correlation at 30 Hz
    for (int i = 0; i < 3; ++i) {
      state_[i] = kSmoothing * state_[i] + (1 - kSmoothing) * rng_.Normal(0.0, 1.0);
    }
    // filtered unit noise has std sqrt((1-a)/(1+a)); rescale to the amplitude
    return state_ * amplitude_ / std::sqrt((1 - kSmoothing) / (1 + kSmoothing));
  }

 private:
  core::Rng& rng_;
  double amplitude_;
  Eigen::Vector3d state_ = Eigen::Vector3d::Zero();
};

struct Segment {
  Eigen::Vector3d from_position, to_position;
  Eigen::Quaterniond from_rotation, to_rotation;
  Eigen::VectorXd from_hand, to_hand;
  int steps = 1;
};

}  // namespace

double MinimumJerk(double t) {
  t = std::clamp(t, 0.0, 1.0);
  return t * t * t * (10 - 15 * t + 6 * t * t);
}

ExpertEpisode RunExpert(Env& env, uint64_t seed, MotionStyle style, bool record,
                        const StyleParameters& p, double settle_seconds,
                        const StepObserver& observer) {
  ExpertEpisode episode;
  core::Rng rng(core::DeriveSeed(seed, core::streams::kExpertPlan));
  const Observation* obs = &env.Reset(seed);
  std::unique_ptr<TaskPlanner> planner = MakeTaskPlanner(env.config().task);
  std::vector<Waypoint> plan = planner->Plan(ExpertContext{env, *obs, rng});
  const bool teleop = style == MotionStyle::kTeleoperation;
  const bool trigger_gripper =
      teleop && env.embodiment().is_robot() && env.embodiment().hand_dim() == 1;
  const double hz = env.config().control_hz;
  OperatorNoise noise(rng, teleop ? p.teleop_noise_m : 0.0);

  Eigen::Vector3d position = CurrentPosition(*obs);
  Eigen::Quaterniond rotation(CurrentRotation(*obs));
  Eigen::VectorXd hand = obs->proprio.tail(env.embodiment().hand_dim());
  if (!plan.empty()) hand = plan.front().hand;

  auto step = [&](const Eigen::VectorXd& action) {
    if (record) {
      episode.actions.push_back(action);
      episode.observations.push_back(*obs);
    }
    if (observer) observer(env);
    const StepResult& r = env.Step(action);
    obs = &r.obs;
    ++episode.steps;
    episode.success = r.info.success;
    if (r.truncated) {
      episode.truncated = true;
      episode.truncation_reason = r.info.truncation_reason;
    }
    return !r.truncated;
  };
  auto action_for = [&](const Eigen::Vector3d& pos, const Eigen::Quaterniond& rot,
                        const Eigen::VectorXd& h) {
    Eigen::VectorXd a(env.action_dim());
    a.head<3>() = pos;
    a.segment<3>(3) = core::AxisAngleFromQuat(rot);
    a.tail(h.size()) = h;
    return a;
  };

  for (size_t index = 0; index < plan.size(); ++index) {
    planner->Replan(ExpertContext{env, *obs, rng}, index, &plan);
    if (index >= plan.size()) break;
    const Waypoint& w = plan[index];
    double seconds = w.seconds * (1.0 + p.timing_jitter * rng.Uniform(-1.0, 1.0));
    if (teleop && !w.quick) seconds *= p.teleop_slowdown;
    // teleoperators overshoot a little on coarse moves and correct back
    std::vector<std::pair<Eigen::Vector3d, double>> targets;
    if (teleop && !w.precise && p.teleop_overshoot_m > 0) {
      const Eigen::Vector3d direction = w.position - position;
      const double length = direction.norm();
      if (length > 0.02) {
        const double over = p.teleop_overshoot_m * rng.Uniform(0.5, 1.5);
        targets.push_back({w.position + direction / length * over, 0.8 * seconds});
        targets.push_back({w.position, 0.2 * seconds});
      }
    }
    if (targets.empty()) targets.push_back({w.position, seconds});
    const Eigen::Quaterniond goal_rotation(w.rotation);
    const Eigen::Quaterniond start_rotation = rotation;
    const Eigen::VectorXd start_hand = hand;
    double elapsed = 0.0;
    for (const auto& [target, duration] : targets) {
      const Eigen::Vector3d from = position;
      const int steps = std::max(1, static_cast<int>(std::lround(duration * hz)));
      for (int k = 1; k <= steps; ++k) {
        const double s = MinimumJerk(static_cast<double>(k) / steps);
        const double overall = std::min(1.0, (elapsed + duration * k / steps) / seconds);
        const double so = MinimumJerk(overall);
        position = from + s * (target - from);
        rotation = start_rotation.slerp(so, goal_rotation);
        const double hand_progress =
            trigger_gripper
                ? MinimumJerk((elapsed + duration * k / steps) / p.teleop_trigger_seconds)
                : so;
        hand = start_hand + hand_progress * (w.hand - start_hand);
        if (!step(action_for(position + noise.Next(), rotation, hand))) return episode;
      }
      elapsed += duration;
    }
    position = w.position;
    rotation = goal_rotation;
    hand = w.hand;
    if (teleop && rng.Uniform(0.0, 1.0) < p.teleop_pause_probability) {
      const int pause =
          static_cast<int>(std::lround(p.teleop_pause_seconds * rng.Uniform(0.5, 1.5) * hz));
      for (int k = 0; k < pause; ++k) {
        if (!step(action_for(position + noise.Next(), rotation, hand))) return episode;
      }
    }
  }
  const int settle = static_cast<int>(std::lround(settle_seconds * hz));
  for (int k = 0; k < settle && !episode.success; ++k) {
    if (!step(action_for(position, rotation, hand))) return episode;
  }
  if (record) episode.observations.push_back(*obs);
  if (observer) observer(env);
  return episode;
}

}  // namespace immimic::envs
