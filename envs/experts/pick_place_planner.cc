// Scripted expert for pick_place: see envs/experts/expert.h.

#include "envs/experts/planners.h"

#include "core/error.h"

namespace immimic::envs {
namespace {

class PickPlacePlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    throw core::InputError("the pick_place expert is not written yet");
  }
};

}  // namespace

std::unique_ptr<TaskPlanner> MakePickPlacePlanner() { return std::make_unique<PickPlacePlanner>(); }

}  // namespace immimic::envs
