#include "envs/tasks/flip.h"

#include <algorithm>
#include <cmath>

#include "envs/mujoco_runtime.h"

namespace immimic::envs {

FlipConfig ParseFlipConfig(const core::YamlNode& root) {
  FlipConfig c;
  const core::YamlNode plate = root.Child("plate");
  c.plate_x = ReadWorkspaceX(plate, "x");
  c.plate_y = ReadWorkspaceY(plate, "y");
  const core::YamlNode donut = root.Child("donut");
  c.donut_offset_x = ReadRange(donut, "offset_x");
  c.donut_offset_y = ReadRange(donut, "offset_y");
  c.donut_yaw = ReadDegreesRange(donut, "yaw_deg");
  const core::YamlNode spatula = root.Child("spatula");
  c.spatula_x = ReadWorkspaceX(spatula, "x");
  c.spatula_y = ReadWorkspaceY(spatula, "y");
  c.spatula_yaw = ReadDegreesRange(spatula, "yaw_deg");
  const core::YamlNode success = root.Child("success");
  c.min_flip_angle = ReadPositive(success, "min_flip_angle_deg") * M_PI / 180.0;
  c.max_plate_offset = ReadPositive(success, "max_plate_offset");
  c.max_height_above_plate = ReadPositive(success, "max_height_above_plate");
  c.max_speed = ReadPositive(success, "max_speed");
  root.RejectUnknownKeys();
  auto reach = [](const Range& r) { return std::max(std::abs(r.low), std::abs(r.high)); };
  IMMIMIC_THROW_UNLESS(
      std::hypot(reach(c.donut_offset_x), reach(c.donut_offset_y)) + Flip::kDonutRadius <=
          Flip::kPlateRadius,
      core::ConfigError, donut.Where(), ": the donut must start entirely on the plate");
  IMMIMIC_THROW_UNLESS(c.min_flip_angle <= M_PI, core::ConfigError,
                       success.Child("min_flip_angle_deg").Where(), ": at most 180 degrees");
  RequireDisjoint(
      root, "spatula", c.spatula_x, c.spatula_y,
      RotatedFootprint(Flip::kSpatulaHalfLength, Flip::kSpatulaHalfWidth, c.spatula_yaw), "plate",
      c.plate_x, c.plate_y, Footprint{Flip::kPlateRadius, Flip::kPlateRadius});
  return c;
}

Flip::Flip() : config_(ParseFlipConfig(LoadTaskYaml("flip"))) {}

void Flip::RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const {
  const double px = config_.plate_x.Sample(rng);
  const double py = config_.plate_y.Sample(rng);
  PlaceMocap(m, d, "flip_plate", px, py, kTableTop, 0.0);
  const double dx = config_.donut_offset_x.Sample(rng);
  const double dy = config_.donut_offset_y.Sample(rng);
  const double donut_yaw = config_.donut_yaw.Sample(rng);
  PlaceFreeBody(m, d, "donut_joint", px + dx, py + dy, kTableTop + kPlateThickness + kDonutTube,
                donut_yaw);
  const double sx = config_.spatula_x.Sample(rng);
  const double sy = config_.spatula_y.Sample(rng);
  const double spatula_yaw = config_.spatula_yaw.Sample(rng);
  PlaceFreeBody(m, d, "spatula_joint", sx, sy, kTableTop + kSpatulaRestHeight, spatula_yaw);
}

void Flip::BindIds(const mjModel* m) {
  donut_ = RequireId(m, mjOBJ_BODY, "donut");
  donut_joint_ = RequireId(m, mjOBJ_JOINT, "donut_joint");
  plate_ = RequireId(m, mjOBJ_GEOM, "flip_plate_geom");
}

bool Flip::IsSuccess(const mjModel* m, const mjData* d) const {
  RequireBound(m);
  const mjtNum* c = d->xpos + 3 * donut_;
  const mjtNum* p = d->geom_xpos + 3 * plate_;
  const double plate_top = p[2] + m->geom_size[3 * plate_ + 1];
  // xmat row 2, column 2: the z component of the donut's z axis = cos(angle from up)
  const double up = d->xmat[9 * donut_ + 8];
  return up <= std::cos(config_.min_flip_angle) &&
         std::hypot(c[0] - p[0], c[1] - p[1]) <= config_.max_plate_offset &&
         c[2] - plate_top <= config_.max_height_above_plate &&
         FreeJointSpeed(m, d, donut_joint_) <= config_.max_speed;
}

}  // namespace immimic::envs
