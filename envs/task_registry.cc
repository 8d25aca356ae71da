#include "envs/task_registry.h"

#include "core/error.h"
#include "core/registry.h"
#include "envs/experts/planners.h"
#include "envs/tasks/flip.h"
#include "envs/tasks/hammer.h"
#include "envs/tasks/pick_place.h"
#include "envs/tasks/push.h"

namespace immimic::envs {

template <typename T>
std::unique_ptr<Task> Make() {
  return std::make_unique<T>();
}

const std::vector<TaskEntry>& TaskRegistry() {
  static const std::vector<TaskEntry> kTasks = {
      {"", Make<TabletopCube>, MakeLiftPlanner},
      {"pick_place", Make<PickPlace>, MakePickPlacePlanner},
      {"push", Make<Push>, MakePushPlanner},
      {"hammer", Make<Hammer>, MakeHammerPlanner},
      {"flip", Make<Flip>, MakeFlipPlanner},
  };
  return kTasks;
}

const TaskEntry& FindTask(const std::string& name) {
  for (const TaskEntry& entry : TaskRegistry()) {
    if (entry.name == name) return entry;
  }
  throw core::InputError(core::UnknownNameMessage("task", name, TaskNames()));
}

const std::vector<std::string>& TaskNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const TaskEntry& entry : TaskRegistry()) {
      if (!entry.name.empty()) names.push_back(entry.name);
    }
    return names;
  }();
  return kNames;
}

std::unique_ptr<Task> MakeTask(const std::string& name) { return FindTask(name).make_task(); }

std::unique_ptr<TaskPlanner> MakeTaskPlanner(const std::string& task) {
  return FindTask(task).make_planner();
}

}  // namespace immimic::envs
