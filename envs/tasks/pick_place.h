#pragma once
// pick_place-v1: pick a 4 cm, 100 g cube up and put it down on a blue 10 x 10 cm target pad.
// Objects: assets/objects/pick_place_cube.xml (free), pick_place_target.xml (fixed pad, a
// mocap body placed per episode). Numbers: configs/tasks/pick_place.yaml.
// Object state: [cube pose 7, target pose 7].
// Success: the cube's centre is over the pad, it lies flat on it (height error within
// max_height_error), moves slower than max_speed, and no embodiment geom touches it (released).

#include "envs/task.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {

struct PickPlaceConfig {
  Range cube_x, cube_y, cube_yaw;  // cube start: centre (m), yaw (rad; degrees in the YAML)
  Range target_x, target_y;        // target pad centre (m)
  double max_height_error = 0.0;   // |cube z - (pad top + cube half size)| (m)
  double max_speed = 0.0;          // cube linear speed (m/s)
};

// Reads and validates the whole document; throws core::ConfigError naming file and key.
PickPlaceConfig ParsePickPlaceConfig(const core::YamlNode& root);

class PickPlace : public Task {
 public:
  PickPlace();  // configs/tasks/pick_place.yaml
  explicit PickPlace(PickPlaceConfig config) : config_(config) {}

  std::string id() const override { return "pick_place-v1"; }
  std::vector<std::string> ObjectAssets() const override {
    return {"objects/pick_place_cube.xml", "objects/pick_place_target.xml"};
  }
  std::vector<std::string> ObjectBodies() const override { return {"pp_cube", "pp_target"}; }
  void RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const override;
  bool IsSuccess(const mjModel* m, const mjData* d) const override;
  const PickPlaceConfig& config() const { return config_; }

  static constexpr double kCubeHalfSize = 0.02;
  static constexpr double kTargetHalfSize = 0.05;
  static constexpr double kTargetThickness = 0.005;

 protected:
  void BindIds(const mjModel* m) override;

 private:
  PickPlaceConfig config_;
  int cube_ = -1, cube_joint_ = -1, pad_ = -1;
};

}  // namespace immimic::envs
