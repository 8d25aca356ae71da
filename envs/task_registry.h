#pragma once
// The one list of tasks: each entry names a task with its scene class (envs/tasks/) and its
// scripted expert's planner (envs/experts/). TaskNames, MakeTask and MakeTaskPlanner read it, and
// so do every CLI listing and test loop. Adding a task: its two classes, its MJCF under
// assets/objects/, its YAML under configs/tasks/, and one entry in task_registry.cc.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "envs/experts/expert.h"
#include "envs/task.h"

namespace immimic::envs {

struct TaskEntry {
  std::string name;  // "" is the tabletop cube, a development scene not listed by TaskNames
  std::function<std::unique_ptr<Task>()> make_task;
  std::function<std::unique_ptr<TaskPlanner>()> make_planner;
};

const std::vector<TaskEntry>& TaskRegistry();
// Throws core::InputError listing the registered tasks for an unknown name.
const TaskEntry& FindTask(const std::string& name);

}  // namespace immimic::envs
