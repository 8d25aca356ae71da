// Scripted expert for push: see envs/experts/expert.h.

#include "envs/experts/planners.h"

#include "core/error.h"

namespace immimic::envs {
namespace {

class PushPlanner : public TaskPlanner {
 public:
  std::vector<Waypoint> Plan(const ExpertContext& c) override {
    throw core::InputError("the push expert is not written yet");
  }
};

}  // namespace

std::unique_ptr<TaskPlanner> MakePushPlanner() { return std::make_unique<PushPlanner>(); }

}  // namespace immimic::envs
