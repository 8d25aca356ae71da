#include "envs/tasks/push.h"

#include <algorithm>
#include <cmath>

#include "envs/mujoco_runtime.h"

namespace immimic::envs {

PushConfig ParsePushConfig(const core::YamlNode& root) {
  PushConfig c;
  const core::YamlNode cube = root.Child("cube");
  c.cube_x = ReadWorkspaceX(cube, "x");
  c.cube_y = ReadWorkspaceY(cube, "y");
  c.cube_yaw = ReadDegreesRange(cube, "yaw_deg");
  const core::YamlNode goal = root.Child("goal");
  c.goal_x = ReadWorkspaceX(goal, "x");
  c.goal_y = ReadWorkspaceY(goal, "y");
  const core::YamlNode success = root.Child("success");
  c.success_distance = ReadPositive(success, "distance");
  c.max_height_error = ReadPositive(success, "max_height_error");
  c.max_speed = ReadPositive(success, "max_speed");
  root.RejectUnknownKeys();
  // the cube must start off the goal, farther than the success distance
  const double cube_half = Push::kCubeHalfSize;
  const double goal_reach = std::max(Push::kGoalRadius, c.success_distance);
  RequireDisjoint(root, "cube", c.cube_x, c.cube_y,
                  RotatedFootprint(cube_half, cube_half, c.cube_yaw), "goal", c.goal_x, c.goal_y,
                  Footprint{goal_reach, goal_reach});
  return c;
}

Push::Push() : config_(ParsePushConfig(LoadTaskYaml("push"))) {}

void Push::RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const {
  const double x = config_.cube_x.Sample(rng);
  const double y = config_.cube_y.Sample(rng);
  const double yaw = config_.cube_yaw.Sample(rng);
  PlaceFreeBody(m, d, "push_cube_joint", x, y, kTableTop + kCubeHalfSize, yaw);
  const double gx = config_.goal_x.Sample(rng);
  const double gy = config_.goal_y.Sample(rng);
  PlaceMocap(m, d, "push_goal", gx, gy, kTableTop, 0.0);
}

void Push::BindIds(const mjModel* m) {
  cube_ = RequireId(m, mjOBJ_BODY, "push_cube");
  cube_joint_ = RequireId(m, mjOBJ_JOINT, "push_cube_joint");
  goal_ = RequireId(m, mjOBJ_BODY, "push_goal");
}

double Push::GoalDistance(const mjData* d) const {
  const mjtNum* c = d->xpos + 3 * cube_;
  const mjtNum* g = d->xpos + 3 * goal_;
  return std::hypot(c[0] - g[0], c[1] - g[1]);
}

bool Push::IsSuccess(const mjModel* m, const mjData* d) const {
  RequireBound(m);
  const mjtNum* c = d->xpos + 3 * cube_;
  return GoalDistance(d) <= config_.success_distance &&
         std::abs(c[2] - (kTableTop + kCubeHalfSize)) <= config_.max_height_error &&
         FreeJointSpeed(m, d, cube_joint_) <= config_.max_speed;
}

double Push::Reward(const mjModel* m, const mjData* d) const {
  if (IsSuccess(m, d)) return 1.0;
  return 0.5 * (1.0 - std::tanh(10.0 * GoalDistance(d)));
}

}  // namespace immimic::envs
