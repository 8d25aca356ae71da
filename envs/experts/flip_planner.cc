// Scripted expert for flip: see envs/experts/expert.h.

#include "envs/experts/planners.h"

#include "core/error.h"

namespace immimic::envs {
namespace {

class FlipPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    throw core::InputError("the flip expert is not written yet");
  }
};

}  // namespace

std::unique_ptr<TaskPlanner> MakeFlipPlanner() { return std::make_unique<FlipPlanner>(); }

}  // namespace immimic::envs
