#pragma once
// One planner per task, each in its own file; the task registry (envs/task_registry.cc) maps
// names to them.
// Shared grasp geometry lives here so every planner grasps the same way.

#include <memory>

#include "envs/experts/expert.h"

namespace immimic::envs {

std::unique_ptr<TaskPlanner> MakeLiftPlanner();       // tabletop cube ("" task)
std::unique_ptr<TaskPlanner> MakePickPlacePlanner();  // pick_place
std::unique_ptr<TaskPlanner> MakePushPlanner();       // push
std::unique_ptr<TaskPlanner> MakeHammerPlanner();     // hammer
std::unique_ptr<TaskPlanner> MakeFlipPlanner();       // flip

// The env's home orientation (approach axis down) turned by `yaw` about world z.
Eigen::Matrix3d TopDownRotation(const Env& env, double yaw);
// Yaw of an object's quaternion (w, x, y, z) about world z, folded into [-period/2, period/2)
// (a cube is symmetric under quarter turns: period pi/2).
double FoldedYaw(const double* wxyz, double period);

// The hand between open (0) and closed (1), clamped to its limits; thumb dimensions (`thumb:
// true` in the embodiment YAML) take their own fraction so a grip can oppose the thumb before
// closing.
Eigen::VectorXd BlendHand(const EmbodimentSpec& spec, double fingers, double thumb);

}  // namespace immimic::envs
