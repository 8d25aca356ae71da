// Scripted expert for hammer: see envs/experts/expert.h.

#include "envs/experts/planners.h"

#include "core/error.h"

namespace immimic::envs {
namespace {

class HammerPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    throw core::InputError("the hammer expert is not written yet");
  }
};

}  // namespace

std::unique_ptr<TaskPlanner> MakeHammerPlanner() { return std::make_unique<HammerPlanner>(); }

}  // namespace immimic::envs
