#include "envs/tasks/pick_place.h"

#include <cmath>

#include "envs/mujoco_runtime.h"

namespace immimic::envs {

PickPlaceConfig ParsePickPlaceConfig(const core::YamlNode& root) {
  PickPlaceConfig c;
  const core::YamlNode cube = root.Child("cube");
  c.cube_x = ReadWorkspaceX(cube, "x");
  c.cube_y = ReadWorkspaceY(cube, "y");
  c.cube_yaw = ReadDegreesRange(cube, "yaw_deg");
  const core::YamlNode target = root.Child("target");
  c.target_x = ReadWorkspaceX(target, "x");
  c.target_y = ReadWorkspaceY(target, "y");
  const core::YamlNode success = root.Child("success");
  c.max_height_error = ReadPositive(success, "max_height_error");
  c.max_speed = ReadPositive(success, "max_speed");
  root.RejectUnknownKeys();
  const double cube_half = PickPlace::kCubeHalfSize, pad_half = PickPlace::kTargetHalfSize;
  RequireDisjoint(root, "cube", c.cube_x, c.cube_y,
                  RotatedFootprint(cube_half, cube_half, c.cube_yaw), "target", c.target_x,
                  c.target_y, Footprint{pad_half, pad_half});
  return c;
}

PickPlace::PickPlace() : config_(ParsePickPlaceConfig(LoadTaskYaml("pick_place"))) {}

void PickPlace::RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const {
  const double x = config_.cube_x.Sample(rng);
  const double y = config_.cube_y.Sample(rng);
  const double yaw = config_.cube_yaw.Sample(rng);
  PlaceFreeBody(m, d, "pp_cube_joint", x, y, kTableTop + kCubeHalfSize, yaw);
  const double tx = config_.target_x.Sample(rng);
  const double ty = config_.target_y.Sample(rng);
  PlaceMocap(m, d, "pp_target", tx, ty, kTableTop, 0.0);
}

void PickPlace::BindIds(const mjModel* m) {
  cube_ = RequireId(m, mjOBJ_BODY, "pp_cube");
  cube_joint_ = RequireId(m, mjOBJ_JOINT, "pp_cube_joint");
  pad_ = RequireId(m, mjOBJ_GEOM, "pp_target_geom");
}

bool PickPlace::IsSuccess(const mjModel* m, const mjData* d) const {
  RequireBound(m);
  const mjtNum* c = d->xpos + 3 * cube_;
  const mjtNum* p = d->geom_xpos + 3 * pad_;
  const mjtNum* half = m->geom_size + 3 * pad_;
  // the pad is never rotated: its half sizes are along world x and y
  const bool over_pad = std::abs(c[0] - p[0]) <= half[0] && std::abs(c[1] - p[1]) <= half[1];
  const double resting_z = p[2] + half[2] + kCubeHalfSize;
  return over_pad && std::abs(c[2] - resting_z) <= config_.max_height_error &&
         FreeJointSpeed(m, d, cube_joint_) <= config_.max_speed && !TouchesEmbodiment(m, d, cube_);
}

}  // namespace immimic::envs
