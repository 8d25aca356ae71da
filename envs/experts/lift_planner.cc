// The tabletop cube: grasp it from above and lift it 15 cm (success: lifted 10 cm).

#include "envs/experts/planners.h"

namespace immimic::envs {
namespace {

class LiftPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    const Eigen::Vector3d cube = c.obs.object_state.head<3>();
    const Eigen::Matrix3d down =
        TopDownRotation(c.env, FoldedYaw(c.obs.object_state.data() + 3, M_PI / 2));
    const Eigen::VectorXd open = c.env.embodiment().OpenHand();
    const Eigen::VectorXd closed = c.env.embodiment().ClosedHand();
    const Eigen::Vector3d up(0, 0, 1);
    return {
        {cube + 0.12 * up, down, open, 1.0, false, "approach"},
        {cube, down, open, 0.8, true, "descend"},
        {cube, down, closed, 0.6, true, "grasp"},
        {cube + 0.15 * up, down, closed, 1.0, false, "lift"},
    };
  }
};

}  // namespace

std::unique_ptr<TaskPlanner> MakeLiftPlanner() { return std::make_unique<LiftPlanner>(); }

}  // namespace immimic::envs
