#pragma once
// push-v1: push a 5 cm, 150 g cube across the table onto a green goal disc (4 cm radius,
// painted: no collision). Objects: assets/objects/push_cube.xml (free), push_goal.xml (a
// mocap body placed per episode). Numbers: configs/tasks/push.yaml.
// Object state: [cube pose 7, goal pose 7].
// Success (from the state alone): the cube's centre is within success_distance of the goal
// centre (horizontally), the cube rests on the table (height error within max_height_error)
// and moves slower than max_speed.

#include "envs/task.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {

struct PushConfig {
  Range cube_x, cube_y, cube_yaw;  // cube start: centre (m), yaw (rad; degrees in the YAML)
  Range goal_x, goal_y;            // goal centre (m)
  double success_distance = 0.0;   // horizontal cube-goal distance (m)
  double max_height_error = 0.0;   // |cube z - (table + cube half size)| (m)
  double max_speed = 0.0;          // cube linear speed (m/s)
};

PushConfig ParsePushConfig(const core::YamlNode& root);

class Push : public Task {
 public:
  Push();  // configs/tasks/push.yaml
  explicit Push(PushConfig config) : config_(config) {}

  std::string id() const override { return "push-v1"; }
  std::vector<std::string> ObjectAssets() const override {
    return {"objects/push_cube.xml", "objects/push_goal.xml"};
  }
  std::vector<std::string> ObjectBodies() const override { return {"push_cube", "push_goal"}; }
  void RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const override;
  bool IsSuccess(const mjModel* m, const mjData* d) const override;
  // 1 on success, else 0.5 * (1 - tanh(10 * distance to the goal)): 0.5 at the goal.
  double Reward(const mjModel* m, const mjData* d) const override;
  const PushConfig& config() const { return config_; }

  static constexpr double kCubeHalfSize = 0.025;
  static constexpr double kGoalRadius = 0.04;

 protected:
  void BindIds(const mjModel* m) override;

 private:
  double GoalDistance(const mjData* d) const;
  PushConfig config_;
  int cube_ = -1, cube_joint_ = -1, goal_ = -1;
};

}  // namespace immimic::envs
