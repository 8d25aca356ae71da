// Scripted expert for pick_place (see envs/experts/expert.h): grasp the cube from above as the
// lift expert does (TCP at the cube centre, approach axis down, yaw folded onto the cube's
// faces, the embodiment's `closed` hand), carry it over the pad, lower it until it almost
// rests there, open the hand (the human hand: thumb first) and retreat upward.
//
// Closed loop (Replan):
//  - before the transport: if the cube is not in the hand (it slipped or was never grasped),
//    go back and grasp it again from its current pose (at most twice);
//  - before lowering: if the cube fell out on the way, grasp it again and carry it over again;
//  - before the transport and before lowering: place by the cube, not by the TCP: the cube's
//    measured offset from the TCP is subtracted, so a cube that sits off-centre in the hand
//    still lands where it should.
// Per-demo variety (from the context's rng): approach and carry heights, the place point on
// the pad, a small approach offset, and segment durations.

#include <algorithm>
#include <cmath>

#include "envs/experts/planners.h"
#include "envs/tasks/pick_place.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {
namespace {

constexpr double kCubeHalf = PickPlace::kCubeHalfSize;
constexpr double kPadTop = kTableTop + 0.005;

Eigen::Vector3d Cube(const Observation& obs) { return obs.object_state.head<3>(); }
Eigen::Vector3d Pad(const Observation& obs) { return obs.object_state.segment<3>(7); }
Eigen::Vector3d Tcp(const Observation& obs) { return obs.proprio.head<3>(); }

class PickPlacePlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    open_ = c.env.embodiment().OpenHand();
    closed_ = c.env.embodiment().ClosedHand();
    regrasps_ = 0;
    // per-demo variety
    approach_height_ = c.rng.Uniform(0.08, 0.12);
    // cube bottom above the pad top while carried: the lift ends there and the transport stays
    // level (a transport that keeps climbing teaches a policy to climb over the pad)
    carry_height_ = c.rng.Uniform(0.09, 0.13);
    place_offset_ = Eigen::Vector3d(c.rng.Uniform(-0.015, 0.015), c.rng.Uniform(-0.015, 0.015), 0);
    release_clearance_ = c.rng.Uniform(0.002, 0.005);  // cube bottom above the pad at release
    retreat_height_ = c.rng.Uniform(0.08, 0.12);
    approach_offset_ = Eigen::Vector3d(c.rng.Uniform(-0.01, 0.01), c.rng.Uniform(-0.01, 0.01), 0);
    time_scale_ = c.rng.Uniform(0.92, 1.08);

    std::vector<Waypoint> plan = Grasp(c, approach_height_, 1.0);
    const Eigen::Vector3d place = PlaceCube(c.obs);
    const Eigen::Matrix3d carry_rotation = plan.back().rotation;
    plan.push_back({place + Eigen::Vector3d(0, 0, carry_height_), carry_rotation, closed_,
                    0.85 * time_scale_, false, "transport"});
    plan.push_back({place + Eigen::Vector3d(0, 0, release_clearance_), carry_rotation, closed_,
                    0.6 * time_scale_, true, "lower"});
    if (!c.env.embodiment().is_robot()) {
      // a person lets go thumb first: the squeezing thumb, left alone against the cube while
      // the fingers open, flicks it off the pad
      Eigen::VectorXd thumb_open = closed_;
      for (size_t i = 0; i < c.env.embodiment().hand.size(); ++i) {
        if (c.env.embodiment().hand[i].thumb) {
          thumb_open[static_cast<long>(i)] = open_[static_cast<long>(i)];
        }
      }
      plan.push_back({place + Eigen::Vector3d(0, 0, release_clearance_), carry_rotation, thumb_open,
                      0.2 * time_scale_, true, "release_thumb"});
    }
    plan.push_back({place + Eigen::Vector3d(0, 0, release_clearance_), carry_rotation, open_,
                    0.4 * time_scale_, true, "release"});
    plan.push_back({place + Eigen::Vector3d(0, 0, retreat_height_), carry_rotation, open_,
                    0.55 * time_scale_, false, "retreat"});
    return plan;
  }

  void Replan(const ExpertContext& c, size_t index, std::vector<Waypoint>* plan) override {
    Waypoint& w = (*plan)[index];
    const Eigen::Vector3d cube = Cube(c.obs), tcp = Tcp(c.obs);
    if (w.label == "transport") {
      const bool held = cube.z() > kTableTop + kCubeHalf + 0.03 && (cube - tcp).norm() < 0.04;
      if (!held && regrasps_ < 2) {
        ++regrasps_;
        // grasp again from where the cube is now, quicker (time is short by now)
        std::vector<Waypoint> again = Grasp(c, 0.07, 0.75);
        again.front().label = "regrasp_approach";
        plan->insert(plan->begin() + static_cast<long>(index), again.begin(), again.end());
        return;
      }
      // carry the cube (not the TCP) to above the place point
      w.position = PlaceCube(c.obs) + Eigen::Vector3d(0, 0, carry_height_) + (tcp - cube);
    } else if (w.label == "lower") {
      const bool held = cube.z() > kTableTop + kCubeHalf + 0.03 && (cube - tcp).norm() < 0.04;
      if (!held && regrasps_ < 2) {
        // dropped on the way (a fast human transport can shake it loose): grasp it again from
        // where it fell and carry it over once more (the transport is re-aimed when it comes)
        ++regrasps_;
        std::vector<Waypoint> again = Grasp(c, 0.07, 0.75);
        again.front().label = "regrasp_approach";
        Waypoint transport = (*plan)[index - 1];
        again.push_back(transport);
        plan->insert(plan->begin() + static_cast<long>(index), again.begin(), again.end());
        return;
      }
      const Eigen::Vector3d offset = tcp - cube;  // TCP relative to the held cube
      w.position = PlaceCube(c.obs) + Eigen::Vector3d(0, 0, release_clearance_) + offset;
      for (size_t k = index + 1; k < plan->size(); ++k) {  // release(s), then the retreat
        Waypoint& next = (*plan)[k];
        next.position = w.position;
        if (next.label == "retreat") next.position.z() += retreat_height_;
      }
    }
  }

 private:
  // Where the cube centre should be when it rests on the pad.
  Eigen::Vector3d PlaceCube(const Observation& obs) const {
    const Eigen::Vector3d pad = Pad(obs);
    return Eigen::Vector3d(pad.x(), pad.y(), kPadTop + kCubeHalf) + place_offset_;
  }

  // Approach above the cube, descend to its centre, close, lift.
  std::vector<Waypoint> Grasp(const ExpertContext& c, double height, double scale) const {
    const Eigen::Vector3d cube = Cube(c.obs);
    const Eigen::Matrix3d down =
        TopDownRotation(c.env, FoldedYaw(c.obs.object_state.data() + 3, M_PI / 2));
    const Eigen::Vector3d up(0, 0, 1);
    const double t = time_scale_ * scale;
    return {
        {cube + height * up + approach_offset_, down, open_, 0.9 * t, false, "approach"},
        {cube, down, open_, 0.6 * t, true, "descend"},
        {cube, down, closed_, 0.5 * t, true, "grasp"},
        {cube + (carry_height_ + 0.005) * up, down, closed_, 0.6 * t, false, "lift"},
    };
  }

  Eigen::VectorXd open_, closed_;
  Eigen::Vector3d place_offset_, approach_offset_;
  double approach_height_ = 0.1, carry_height_ = 0.1, release_clearance_ = 0.003;
  double retreat_height_ = 0.1, time_scale_ = 1.0;
  int regrasps_ = 0;
};

}  // namespace

std::unique_ptr<TaskPlanner> MakePickPlacePlanner() { return std::make_unique<PickPlacePlanner>(); }

}  // namespace immimic::envs
