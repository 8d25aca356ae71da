// Scripted expert for hammer: see envs/experts/expert.h.
//
// Grasp the handle from above (closing axis across the handle, near the centre of mass so the
// head does not twist the grip), lift, carry the head over the nail, then strike: a fast
// downward move whose target lies below the nail head, so the arm's impedance presses the head
// into the nail. Replan repeats the strike while the nail has not gone down far enough.
//
// The strike is quick in both styles (an operator strikes fast too); the head's bottom is aimed
// from where the head is in the hand after the lift. Grips per end-effector: GripFor.

#include <algorithm>
#include <cmath>
#include <string>

#include "core/rotation.h"
#include "envs/experts/expert_config.h"
#include "envs/experts/planners.h"

namespace immimic::envs {
namespace {

constexpr double kNailTop = 0.75 + 0.05 + 0.044 + 0.006;  // nail head top at rest (world z)
constexpr double kHeadAlong = 0.115;   // head centre from the hammer origin (on the handle axis)
constexpr double kHeadRadius = 0.012;  // head capsule across the handle (along hammer y)
constexpr double kHeadHalfLength = 0.033;  // between its cap centres / 2

struct Grip {
  double along = 0.05;   // grasp point along the handle from the origin (towards the head)
  double dz = 0.006;     // TCP above the handle axis (a closed Robotiq pinches above its tcp)
  double dy = 0.0;       // handle axis along the TCP's closing axis (tcp y), from the TCP
  double fingers = 1.0;  // blend open -> closed of the finger dimensions (may exceed 1)
  double thumb = 1.0;    // blend of the thumb dimensions (`thumb: true`)
  double pre_fingers = 0.0, pre_thumb = 0.0;  // the hand's shape while approaching
  double turn = 0.0;  // hand yaw relative to the handle (pi: the forearm points away from the nail)
};

// Per end-effector grasp of the 24 mm square handle (configs/experts/hammer.yaml), found by
// measuring fingertip positions in the TCP frame and sweeping seeds (docs/tasks.md). Grippers
// pinch above the handle axis; the hands preshape (thumb already opposed, fingers half closed) so
// the thumb does not sweep the table while closing, then close past contact so the position servos
// squeeze, with fingertips and thumb on the handle's vertical faces. The human hand holds it with
// the forearm pointing away from the nail (its 25 cm forearm would otherwise press on the nail
// fixture).
Grip GripFor(const std::string& embodiment) {
  const auto p = LoadExpertParameters(
      "hammer", embodiment,
      {"along", "dz", "dy", "fingers", "thumb", "pre_fingers", "pre_thumb", "turn"});
  return {p.at("along"), p.at("dz"),          p.at("dy"),        p.at("fingers"),
          p.at("thumb"), p.at("pre_fingers"), p.at("pre_thumb"), p.at("turn")};
}

class HammerPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    const Eigen::VectorXd& s = c.obs.object_state;
    const Eigen::Vector3d hammer = s.head<3>();
    nail_start_z_ = s[9];
    nail_ = s.segment<3>(7);
    grip_ = GripFor(c.env.embodiment().name);
    const double yaw = FoldedYaw(s.data() + 3, 2 * M_PI);
    const Eigen::Vector3d along(std::cos(yaw), std::sin(yaw), 0);
    const Eigen::Vector3d up(0, 0, 1);
    const Eigen::Matrix3d grasp_rot = TopDownRotation(c.env, yaw + grip_.turn);
    const Eigen::VectorXd open = BlendHand(c.env.embodiment(), grip_.pre_fingers, grip_.pre_thumb);
    closed_ = BlendHand(c.env.embodiment(), grip_.fingers, grip_.thumb);
    const double jitter = c.rng.Uniform(-0.005, 0.005);
    const Eigen::Vector3d grasp =
        hammer + (grip_.along + jitter) * along + grip_.dz * up - grip_.dy * grasp_rot.col(1);
    // carry: the head over the nail, handle kept at the grasp yaw (plus a little variety)
    carry_yaw_ = yaw + c.rng.Uniform(-0.1, 0.1);
    carry_rot_ = TopDownRotation(c.env, carry_yaw_ + grip_.turn);
    // the head's bottom centre from the TCP, as planned (measured again before the strike)
    head_from_tcp_ = Eigen::Vector3d(std::cos(carry_yaw_), std::sin(carry_yaw_), 0) *
                         (kHeadAlong - grip_.along - jitter) -
                     (grip_.dz + kHeadRadius) * up;
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
    if ((*plan)[index].label == "over_nail") {
      // aim by where the head is in the hand now (the grip may have let the hammer turn)
      const Eigen::VectorXd& s = c.obs.object_state;
      const Eigen::Matrix3d hammer_rot = core::QuatFromWxyz(s.data() + 3).toRotationMatrix();
      // lowest point of the head capsule: its centre minus the vertical reach of a cap
      const Eigen::Vector3d centre = s.head<3>() + hammer_rot * Eigen::Vector3d(kHeadAlong, 0, 0);
      const double reach = kHeadRadius + kHeadHalfLength * std::abs(hammer_rot(2, 1));
      const Eigen::Vector3d head = centre - reach * Eigen::Vector3d::UnitZ();
      const Eigen::Vector3d tcp = c.obs.proprio.head<3>();
      const Eigen::Matrix3d tcp_rot =
          core::QuatFromWxyz(c.obs.proprio.data() + 3).toRotationMatrix();
      head_from_tcp_ = carry_rot_ * (tcp_rot.transpose() * (head - tcp));
      const std::vector<Waypoint> strike = StrikeWaypoints();
      for (size_t k = 0; k < strike.size() && index + k < plan->size(); ++k) {
        (*plan)[index + k].position = strike[k].position;
      }
      return;
    }
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
    std::vector<Waypoint> strike = StrikeWaypoints();
    // a repeated strike starts where the retreat ended, over the nail: no move to get there
    if (strikes_ > 1) strike.erase(strike.begin());
    for (const Waypoint& w : strike) plan->push_back(w);
  }

  // over the nail, strike, press, retreat
  std::vector<Waypoint> StrikeWaypoints() const {
    const Eigen::Vector3d up(0, 0, 1);
    // TCP such that the head's bottom touches the nail top
    const Eigen::Vector3d contact =
        Eigen::Vector3d(nail_.x(), nail_.y(), kNailTop) - head_from_tcp_;
    const double raise = 0.08;   // head bottom above the nail before the strike
    const double press = 0.025;  // strike target below contact: the arm's impedance presses
    return {{contact + raise * up, carry_rot_, closed_, 1.0, false, "over_nail"},
            {contact - press * up, carry_rot_, closed_, 0.25, false, "strike", true},
            {contact - press * up, carry_rot_, closed_, 0.3, true, "press"},
            {contact + raise * up, carry_rot_, closed_, 0.4, false, "retreat"}};
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
