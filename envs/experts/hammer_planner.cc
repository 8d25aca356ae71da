// Scripted expert for hammer: see envs/experts/expert.h.
//
// Grasp the handle from above (closing axis across the handle, near the centre of mass so the
// head does not twist the grip), lift, carry the head over the nail, then strike: a fast
// downward move whose target lies below the nail head, so the arm's impedance presses the head
// into the nail. Replan repeats the strike while the nail has not gone down far enough.
//
// Status: robotiq and fin_ray succeed (one strike drives the nail ~3.5 cm). The human hand,
// allegro and ability knock the hammer over while closing on the 24 mm handle lying 2 cm above
// the table (their grasp is tuned for a 4 cm cube); a power grasp for them is still to do.

#include <cmath>
#include <string>

#include "envs/experts/planners.h"

namespace immimic::envs {
namespace {

constexpr double kNailTop = 0.75 + 0.05 + 0.044 + 0.006;  // nail head top at rest (world z)
constexpr double kHeadAlong = 0.115;                      // head axis from the hammer origin
constexpr double kHeadRadius = 0.02;
constexpr double kHandleBelow = 0.008;  // handle axis below the hammer origin

struct Grip {
  double along = 0.05;  // grasp point along the handle from the origin (towards the head)
  double dz = 0.006;    // TCP above the handle axis (a closed Robotiq pinches above its tcp)
  double close = 1.0;   // blend open -> closed (may exceed 1)
};

class HammerPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    const Eigen::VectorXd& s = c.obs.object_state;
    const Eigen::Vector3d hammer = s.head<3>();
    nail_start_z_ = s[9];
    nail_ = s.segment<3>(7);
    // one grip for every embodiment: measured for robotiq and fin_ray (see the note at the top)
    grip_ = Grip{};
    const double yaw = FoldedYaw(s.data() + 3, 2 * M_PI);
    const Eigen::Vector3d along(std::cos(yaw), std::sin(yaw), 0);
    const Eigen::Vector3d up(0, 0, 1);
    const Eigen::Matrix3d grasp_rot = TopDownRotation(c.env, yaw);
    const Eigen::VectorXd open = c.env.embodiment().OpenHand();
    closed_ = open + grip_.close * (c.env.embodiment().ClosedHand() - open);
    const double jitter = c.rng.Uniform(-0.005, 0.005);
    const Eigen::Vector3d grasp =
        hammer + (grip_.along + jitter) * along + (grip_.dz - kHandleBelow) * up;
    // carry: the head over the nail, handle kept at the grasp yaw (plus a little variety)
    carry_yaw_ = yaw + c.rng.Uniform(-0.1, 0.1);
    carry_rot_ = TopDownRotation(c.env, carry_yaw_);
    head_from_tcp_ = Eigen::Vector3d(std::cos(carry_yaw_), std::sin(carry_yaw_), 0) *
                         (kHeadAlong - grip_.along - jitter) +
                     (kHandleBelow - grip_.dz) * up;
    lift_height_ = 0.12;
    std::vector<Waypoint> plan = {
        {grasp + 0.12 * up, grasp_rot, open, 1.0, false, "approach"},
        {grasp, grasp_rot, open, 0.8, true, "descend"},
        {grasp, grasp_rot, closed_, 0.6, true, "grasp"},
        {grasp + lift_height_ * up, grasp_rot, closed_, 0.7, false, "lift"},
    };
    AppendStrike(&plan);
    return plan;
  }

  void Replan(const ExpertContext& c, size_t index, std::vector<Waypoint>* plan) override {
    // before a strike's retreat: strike again after it while the nail is not in far enough
    if (index + 1 != plan->size() || strikes_ >= kMaxStrikes) return;
    const double depth = nail_start_z_ - c.obs.object_state[9];
    if (depth >= 0.012) return;
    AppendStrike(plan);
  }

 private:
  static constexpr int kMaxStrikes = 3;

  void AppendStrike(std::vector<Waypoint>* plan) {
    ++strikes_;
    const Eigen::Vector3d up(0, 0, 1);
    // TCP such that the head's bottom touches the nail top
    const Eigen::Vector3d contact =
        Eigen::Vector3d(nail_.x(), nail_.y(), kNailTop + kHeadRadius) - head_from_tcp_;
    const double raise = 0.08;  // head bottom above the nail before the strike
    const double press = 0.04;  // strike target below contact: the arm's impedance presses
    plan->push_back({contact + raise * up, carry_rot_, closed_, 1.0, false, "over_nail"});
    plan->push_back({contact - press * up, carry_rot_, closed_, 0.25, false, "strike"});
    plan->push_back({contact - press * up, carry_rot_, closed_, 0.3, true, "press"});
    plan->push_back({contact + raise * up, carry_rot_, closed_, 0.4, false, "retreat"});
  }

  Grip grip_;
  Eigen::VectorXd closed_;
  Eigen::Vector3d nail_;
  double nail_start_z_ = 0.0;
  double carry_yaw_ = 0.0;
  double lift_height_ = 0.12;
  Eigen::Matrix3d carry_rot_;
  Eigen::Vector3d head_from_tcp_;
  int strikes_ = 0;
};

}  // namespace

std::unique_ptr<TaskPlanner> MakeHammerPlanner() { return std::make_unique<HammerPlanner>(); }

}  // namespace immimic::envs
