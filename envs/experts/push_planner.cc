// Scripted expert for push (see envs/experts/expert.h): the closed hand (or closed gripper) is
// the pusher. It comes down behind the cube on the cube-to-goal line, low above the table, with
// its widest face square to that line, touches the cube, and pushes it in strokes of 6.5-8 cm;
// then it backs away from the cube and lifts.
//
// Closed loop (Replan), from the cube's observed pose before every waypoint:
//  - the approach is aimed from where the cube is;
//  - each stroke re-aims at the goal from the cube's current position: while the cube rides on
//    the pusher it keeps its offset from the TCP, so the TCP moves by the cube's remaining
//    error (at most one stroke length); strokes are added until the cube is within 1 cm;
//  - a cube that slid along the pusher's face (2 cm from where it sat at first contact) or
//    left it is approached again from behind (at most twice);
//  - before backing off, a cube that stopped more than 1.5 cm from the goal gets another stroke.
// The back-off is dropped when the episode's time would run out at the pace seen so far
// (teleoperation is ~4.5x slower than the nominal durations), so the cube can come to rest
// and the episode end as a success instead of being truncated on the way out.
// Per-demo variety (from the context's rng): approach height, standoff, push height, stroke
// length, back-off distance and segment durations.

#include <algorithm>
#include <cmath>

#include "envs/experts/expert_config.h"
#include "envs/experts/planners.h"
#include "envs/experts/pusher_geometry.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {
namespace {

Eigen::Vector3d Flat(const Eigen::Vector3d& v) { return Eigen::Vector3d(v.x(), v.y(), 0.0); }

class PushPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    geometry_ = LoadPusherGeometry(c.env.config().embodiment);
    closed_ = c.env.embodiment().ClosedHand();
    // per-demo variety
    approach_height_ = c.rng.Uniform(0.05, 0.08);
    standoff_margin_ = c.rng.Uniform(0.02, 0.035);
    push_height_ = geometry_.height + c.rng.Uniform(-0.003, 0.003);
    step_ = c.rng.Uniform(0.065, 0.08);  // cube travel per push stroke
    retreat_ = c.rng.Uniform(0.03, 0.05);
    time_scale_ = c.rng.Uniform(0.92, 1.08);
    reapproaches_ = 0;
    strokes_ = 0;
    nominal_done_ = 0.0;
    last_index_ = 0;

    std::vector<Waypoint> plan = ComeDown(1.0);
    plan.push_back(Stroke());
    plan.push_back(Pose(0.35, true, "back_off"));
    plan.push_back(Pose(0.4, false, "retreat"));
    Aim(c, &plan, 0);
    return plan;
  }

  void Replan(const ExpertContext& c, size_t index, std::vector<Waypoint>* plan) override {
    if (index > 0 && index != last_index_) nominal_done_ += (*plan)[index - 1].seconds;
    last_index_ = index;
    Waypoint& w = (*plan)[index];
    const Eigen::Vector3d cube = Flat(c.obs.object_state.head<3>());
    const Eigen::Vector3d goal = Flat(c.obs.object_state.segment<3>(7));
    const Eigen::Vector3d tcp = Flat(c.obs.proprio.head<3>());
    const Eigen::Vector3d height(0, 0, TcpZ());
    const double remaining = (goal - cube).norm();
    const Eigen::Vector3d d = (goal - cube).normalized();
    if (w.label == "approach") {
      Aim(c, plan, index);
    } else if (w.label == "contact") {
      fresh_contact_ = true;
    } else if (w.label == "push") {
      ++strokes_;
      if (remaining < kDone) {  // close enough: no more strokes
        plan->erase(plan->begin() + static_cast<long>(index));
        Replan(c, index, plan);
        return;
      }
      // lost: the cube slid along the pusher's face (from where it sat at first contact), or
      // fell behind, or is no longer against it
      const Eigen::Vector3d& face = push_line_;  // the pusher's face normal
      const Eigen::Vector3d rel = cube - tcp;
      const double along = rel.dot(face);
      const Eigen::Vector3d across = rel - along * face;
      if (fresh_contact_) {
        contact_across_ = across;
        fresh_contact_ = false;
      }
      const bool lost = (across - contact_across_).norm() > kLost ||
                        along < geometry_.lead - 0.015 || along > geometry_.lead + 0.03;
      if (lost && reapproaches_ < 2) {
        // the cube slid off the pusher or turned away: come down behind it again
        ++reapproaches_;
        --strokes_;
        const Eigen::Vector3d lift(0, 0, TcpZ() + approach_height_);
        std::vector<Waypoint> again = ComeDown(0.7);
        again.insert(again.begin(), Pose(0.4, true, "lift_off"));
        again.front().position = tcp + lift;
        again.front().rotation = pusher_rotation_;
        plan->insert(plan->begin() + static_cast<long>(index), again.begin(), again.end());
        Aim(c, plan, index + 1);
        return;
      }
      // The cube rides on the pusher's face: it keeps its offset from the TCP, so moving the
      // TCP by the cube's remaining error (one stroke at most) moves the cube onto the goal.
      const double travel = std::min(step_, remaining);
      w.rotation = pusher_rotation_;
      w.position = tcp + d * travel + height;
      // a pusher in contact does not overshoot and come back (that would leave the cube)
      w.precise = true;
      if (remaining - travel >= kDone && strokes_ < kMaxStrokes) {
        plan->insert(plan->begin() + static_cast<long>(index) + 1, Stroke());
      }
    } else if (w.label == "back_off") {
      // one more stroke if the cube stopped short or slid on
      if (remaining > kDone + 0.005 && strokes_ < kMaxStrokes) {
        plan->insert(plan->begin() + static_cast<long>(index), Stroke());
        Replan(c, index, plan);
        return;
      }
      // out of time (slow teleoperation, a second approach): leave the pusher where it is
      if (!HasTime(c, Nominal(*plan, index))) {
        plan->erase(plan->begin() + static_cast<long>(index), plan->end());
        return;
      }
      // away from the cube, then up
      const Eigen::Vector3d away = (tcp - cube).normalized();
      w.rotation = pusher_rotation_;
      w.position = tcp + away * retreat_ + height;
      Waypoint& up = (*plan)[index + 1];
      up.position = w.position + Eigen::Vector3d(0, 0, 0.1);
      up.rotation = w.rotation;
    }
  }

 private:
  static constexpr double kDone = 0.01;       // cube this close to the goal: stop pushing
  static constexpr int kMaxStrokes = 10;      // time budget
  static constexpr double kTimeMargin = 1.0;  // s kept free for the cube to come to rest
  static constexpr double kLost = 0.02;  // the cube slid this far along the pusher's face: lost

  double TcpZ() const { return kTableTop + push_height_; }

  // Nominal seconds of plan[index..].
  static double Nominal(const std::vector<Waypoint>& plan, size_t index) {
    double sum = 0.0;
    for (size_t i = index; i < plan.size(); ++i) sum += plan[i].seconds;
    return sum;
  }
  // Whether `nominal` more seconds of plan fit in the episode at the pace observed so far
  // (the planner does not know the motion style: teleoperation runs ~4.5x slower and pauses).
  bool HasTime(const ExpertContext& c, double nominal) const {
    const double pace = nominal_done_ > 0 ? c.obs.time / nominal_done_ : 1.0;
    return c.obs.time + pace * nominal + kTimeMargin <= c.env.config().episode_seconds;
  }

  Waypoint Pose(double seconds, bool precise, const char* label) const {
    return {Eigen::Vector3d::Zero(),
            Eigen::Matrix3d::Identity(),
            closed_,
            seconds * time_scale_,
            precise,
            label};
  }
  Waypoint Stroke() const { return Pose(0.4, true, "push"); }
  // Above the cube's back face, down beside it, in to touch it.
  std::vector<Waypoint> ComeDown(double scale) const {
    return {Pose(0.8 * scale, false, "approach"), Pose(0.45 * scale, true, "descend"),
            Pose(0.3 * scale, true, "contact")};
  }

  // Sets approach (above), descent (low, standoff behind) and contact (touching) waypoints at
  // plan[index..index + 2]: behind the cube on its line to the goal, the pusher's face square
  // to that line. A cube met on a corner turns until a face lies flush on the pusher and then
  // rides along the line. (Squaring the pusher to the cube's own face instead and pushing
  // obliquely let the cube slide off the pusher's side under teleoperation noise: 4/12.)
  void Aim(const ExpertContext& c, std::vector<Waypoint>* plan, size_t index) {
    const Eigen::Vector3d cube = Flat(c.obs.object_state.head<3>());
    const Eigen::Vector3d goal = Flat(c.obs.object_state.segment<3>(7));
    const Eigen::Vector3d d = (goal - cube).normalized();
    const Eigen::Vector3d& n = d;
    const Eigen::Vector3d height(0, 0, TcpZ());
    const double standoff = geometry_.lead + standoff_margin_;
    pusher_rotation_ = Rotation(c, n);
    push_line_ = n;
    Waypoint& approach = (*plan)[index];
    approach.position = cube - n * standoff + height + Eigen::Vector3d(0, 0, approach_height_);
    approach.rotation = pusher_rotation_;
    Waypoint& descend = (*plan)[index + 1];
    descend.position = cube - n * standoff + height;
    descend.rotation = pusher_rotation_;
    Waypoint& contact = (*plan)[index + 2];
    contact.position = cube - n * (geometry_.lead - kPress) + height;
    contact.rotation = pusher_rotation_;
  }

  Eigen::Matrix3d Rotation(const ExpertContext& c, const Eigen::Vector3d& n) const {
    const double yaw = std::atan2(n.y(), n.x()) - M_PI / 2 + geometry_.yaw_offset;
    return TopDownRotation(c.env, std::remainder(yaw, 2 * M_PI));
  }

  static constexpr double kPress = 0.003;  // the contact move presses this far into the face

  PusherGeometry geometry_;
  Eigen::VectorXd closed_;
  double approach_height_ = 0.06, standoff_margin_ = 0.03, push_height_ = 0.03, step_ = 0.05;
  double retreat_ = 0.04, time_scale_ = 1.0;
  Eigen::Matrix3d pusher_rotation_ = Eigen::Matrix3d::Identity();
  Eigen::Vector3d contact_across_ = Eigen::Vector3d::Zero();
  Eigen::Vector3d push_line_ = Eigen::Vector3d::UnitY();
  bool fresh_contact_ = false;
  int reapproaches_ = 0, strokes_ = 0;
  double nominal_done_ = 0.0;  // nominal seconds of the waypoints executed so far
  size_t last_index_ = 0;
};

}  // namespace

std::unique_ptr<TaskPlanner> MakePushPlanner() { return std::make_unique<PushPlanner>(); }

}  // namespace immimic::envs
