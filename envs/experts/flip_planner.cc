// Scripted expert for flip: see envs/experts/expert.h.
//
// Grasp the spatula's handle from above, lift it, carry it so the blade lies on the plate
// behind the donut (tip towards the donut, along the flip direction), slide the blade under
// the donut, then turn the spatula about the blade tip's line (handle end up) past the
// vertical while the tip pushes on 2 cm: the donut pivots on its far side and falls over
// upside down (a pivot flip; it ends 8-13 cm further along the flip direction, +y, which is
// why flip-v2 starts it on the plate's near half). The spatula's pose in the hand is measured
// after the lift, so every later TCP target is computed from where the blade should be.
// The turn runs at the same pace in both styles (`quick`): at human speed a faster turn flung
// the donut off the plate, and at the teleoperated pace a slower one does not fit in 30 s.

#include <algorithm>
#include <cmath>
#include <string>

#include "core/rotation.h"
#include "envs/experts/planners.h"
#include "envs/tasks/flip.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {
namespace {

constexpr double kPlateTop = kTableTop + Flip::kPlateThickness;
constexpr double kBladeHalfLength = 0.04;  // blade centre to tip
constexpr double kTipGap = 0.012;          // blade tip behind the tube before the slide
constexpr double kSlide = 0.07;            // tip ends this far past where it started
constexpr double kFlipAngle = 2.1;         // rad the spatula turns about the tip line (120 deg)
constexpr int kFlipSteps = 6;
constexpr double kFlipPush = 0.02;  // tip moves on along the flip direction while turning
// blade tip down while it slides: only its front part fits on the plate behind the donut, so
// its back end must clear the plate's 6 mm edge
constexpr double kAttack = 0.1;  // rad

struct Grip {
  double along = 0.15;  // grasp point on the handle, behind the blade centre (m)
  double dz = 0.006;    // TCP above the handle axis (a closed Robotiq pinches above its tcp)
  double fingers = 1.0, thumb = 1.0;          // blend open -> closed
  double pre_fingers = 0.0, pre_thumb = 0.0;  // shape while approaching
  double press = 0.003;  // TCP below the blade-on-plate pose: the arm's impedance presses
  double dy = 0.0;       // handle axis along the TCP's closing axis (tcp y), from the TCP
  double turn = 0.0;     // hand yaw relative to the handle
};

// The human hand wraps the handle further in (fingers and thumb closed past the cube grasp,
// wrist lower) with the forearm pointing away from the plate; measured over seeds 0..7 while
// tuning (docs/tasks.md). Grippers pinch above the handle axis.
Grip GripFor(const std::string& embodiment) {
  if (embodiment == "human") return {0.13, -0.025, 1.6, 1.6, 0.5, 0.5, 0.003, 0.01, M_PI};
  return Grip{};
}

Eigen::Isometry3d PoseAt(const Eigen::VectorXd& v, int offset) {
  Eigen::Isometry3d t = Eigen::Isometry3d::Identity();
  t.linear() = core::QuatFromWxyz(v.data() + offset + 3).toRotationMatrix();
  t.translation() = v.segment<3>(offset);
  return t;
}

class FlipPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    const Eigen::VectorXd& s = c.obs.object_state;
    grip_ = GripFor(c.env.embodiment().name);
    const Eigen::VectorXd open = BlendHand(c.env.embodiment(), grip_.pre_fingers, grip_.pre_thumb);
    closed_ = BlendHand(c.env.embodiment(), grip_.fingers, grip_.thumb);
    const Eigen::Isometry3d spatula = PoseAt(s, 0);
    const double yaw = FoldedYaw(s.data() + 3, 2 * M_PI);
    // the handle axis at `along` behind the blade centre (it rises 20 degrees from the blade)
    const double along = grip_.along + c.rng.Uniform(-0.005, 0.005);
    const Eigen::Vector3d handle(-along, 0, 0.0127 + (along - 0.075) / 0.09 * 0.0328);
    const Eigen::Vector3d up(0, 0, 1);
    const Eigen::Matrix3d grasp_rot = TopDownRotation(c.env, yaw + grip_.turn);
    const Eigen::Vector3d grasp = spatula * handle + grip_.dz * up - grip_.dy * grasp_rot.col(1);
    // flip direction: from the spatula's side towards the plate (+y), a little variety
    direction_ = Eigen::Vector3d(c.rng.Uniform(-0.1, 0.1), 1, 0).normalized();
    std::vector<Waypoint> plan = {
        {grasp + 0.1 * up, grasp_rot, open, 0.7, false, "approach"},
        {grasp, grasp_rot, open, 0.5, true, "descend"},
        {grasp, grasp_rot, closed_, 0.4, true, "grasp"},
        {grasp + 0.1 * up, grasp_rot, closed_, 0.4, false, "lift"},
    };
    // the rest is aimed in Replan from the spatula's measured pose in the hand
    for (const char* label : {"carry", "lower", "slide"}) {
      plan.push_back({grasp, grasp_rot, closed_, 0.8, true, label});
    }
    plan[4].precise = false;
    plan[5].seconds = 0.4;
    plan[6].seconds = 0.6;
    for (int k = 1; k <= kFlipSteps; ++k) {
      plan.push_back({grasp, grasp_rot, closed_, 0.7, false, "flip", true});
    }
    plan.push_back({grasp, grasp_rot, closed_, 0.6, false, "retreat"});
    return plan;
  }

  void Replan(const ExpertContext& c, size_t index, std::vector<Waypoint>* plan) override {
    if ((*plan)[index].label != "carry") return;
    const Eigen::VectorXd& s = c.obs.object_state;
    // the TCP in the spatula's frame, as held now
    const Eigen::Isometry3d tcp_in_spatula = PoseAt(s, 0).inverse() * PoseAt(c.obs.proprio, 0);
    const Eigen::Vector3d donut = s.segment<3>(7);
    const Eigen::Vector3d d = direction_;
    const double yaw = std::atan2(d.y(), d.x());
    // blade flat on the plate, tip kTipGap behind the donut's near side
    Eigen::Isometry3d blade = Eigen::Isometry3d::Identity();
    blade.linear() = Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitZ()).toRotationMatrix();
    const Eigen::Vector3d start_tip =
        Eigen::Vector3d(donut.x(), donut.y(), kPlateTop) - (Flip::kDonutRadius + kTipGap) * d;
    auto tcp_for = [&](const Eigen::Vector3d& tip, double tilt, double lift) {
      Eigen::Isometry3d b = blade;
      // turn about the horizontal axis across the blade through its tip: handle end up
      const Eigen::Vector3d axis = Eigen::Vector3d::UnitZ().cross(d).normalized();
      const Eigen::Matrix3d r = Eigen::AngleAxisd(tilt + kAttack, axis).toRotationMatrix();
      b.linear() = r * blade.linear();
      const Eigen::Vector3d centre_from_tip(-kBladeHalfLength, 0, Flip::kSpatulaRestHeight);
      b.translation() = tip + b.linear() * centre_from_tip + lift * Eigen::Vector3d::UnitZ();
      return b * tcp_in_spatula;
    };
    const double press = grip_.press;
    const Eigen::Isometry3d above = tcp_for(start_tip, 0, 0.04);
    const Eigen::Isometry3d lower = tcp_for(start_tip, 0, -press);
    const Eigen::Vector3d end_tip = start_tip + kSlide * d;
    size_t k = index;
    auto set = [&](const Eigen::Isometry3d& t) {
      (*plan)[k].position = t.translation();
      (*plan)[k].rotation = t.linear();
      ++k;
    };
    set(above);
    set(lower);
    set(tcp_for(end_tip, 0, -press));
    for (int step = 1; step <= kFlipSteps; ++step) {
      // the tip pushes on a little while turning, so the donut goes over its far side
      const double f = static_cast<double>(step) / kFlipSteps;
      set(tcp_for(end_tip + kFlipPush * f * d, kFlipAngle * f, -press * (1.0 - f)));
    }
    // retreat: straight up from the last pose
    (*plan)[k].position = (*plan)[k - 1].position + 0.08 * Eigen::Vector3d::UnitZ();
    (*plan)[k].rotation = (*plan)[k - 1].rotation;
  }

 private:
  Grip grip_;
  Eigen::VectorXd closed_;
  Eigen::Vector3d direction_ = Eigen::Vector3d::UnitY();
};

}  // namespace

std::unique_ptr<TaskPlanner> MakeFlipPlanner() { return std::make_unique<FlipPlanner>(); }

}  // namespace immimic::envs
