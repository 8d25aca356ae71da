#include "envs/tasks/hammer.h"

#include <algorithm>

#include "envs/mujoco_runtime.h"

namespace immimic::envs {

HammerConfig ParseHammerConfig(const core::YamlNode& root) {
  HammerConfig c;
  const core::YamlNode hammer = root.Child("hammer");
  c.hammer_x = ReadWorkspaceX(hammer, "x");
  c.hammer_y = ReadWorkspaceY(hammer, "y");
  c.hammer_yaw = ReadDegreesRange(hammer, "yaw_deg");
  const core::YamlNode nail = root.Child("nail");
  c.nail_x = ReadWorkspaceX(nail, "x");
  c.nail_y = ReadWorkspaceY(nail, "y");
  const core::YamlNode success = root.Child("success");
  c.min_drive_depth = ReadPositive(success, "min_drive_depth");
  root.RejectUnknownKeys();
  IMMIMIC_THROW_UNLESS(c.min_drive_depth < 0.035, core::ConfigError,
                       success.Child("min_drive_depth").Where(),
                       ": the nail travels at most 0.035 m");
  RequireDisjoint(
      root, "hammer", c.hammer_x, c.hammer_y,
      RotatedFootprint(Hammer::kHammerHalfLength, Hammer::kHammerHalfWidth, c.hammer_yaw), "nail",
      c.nail_x, c.nail_y, Footprint{Hammer::kBlockHalfSize, Hammer::kBlockHalfSize});
  return c;
}

Hammer::Hammer() : config_(ParseHammerConfig(LoadTaskYaml("hammer"))) {}

void Hammer::RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const {
  const double x = config_.hammer_x.Sample(rng);
  const double y = config_.hammer_y.Sample(rng);
  const double yaw = config_.hammer_yaw.Sample(rng);
  PlaceFreeBody(m, d, "hammer_joint", x, y, kTableTop + kHammerRestHeight, yaw);
  const double nx = config_.nail_x.Sample(rng);
  const double ny = config_.nail_y.Sample(rng);
  PlaceMocap(m, d, "nail_base", nx, ny, kTableTop, 0.0);
  const int nail = RequireId(m, mjOBJ_JOINT, "nail_joint");
  d->qpos[m->jnt_qposadr[nail]] = 0.0;  // up, at its start
}

double Hammer::DriveDepth(const mjModel* m, const mjData* d) {
  return -d->qpos[m->jnt_qposadr[JointId(m, "nail_joint")]];
}

void Hammer::BindIds(const mjModel* m) {
  nail_qpos_ = m->jnt_qposadr[RequireId(m, mjOBJ_JOINT, "nail_joint")];
}

bool Hammer::IsSuccess(const mjModel* m, const mjData* d) const {
  RequireBound(m);
  return -d->qpos[nail_qpos_] >= config_.min_drive_depth;
}

double Hammer::Reward(const mjModel* m, const mjData* d) const {
  if (IsSuccess(m, d)) return 1.0;
  return 0.5 * std::clamp(-d->qpos[nail_qpos_] / config_.min_drive_depth, 0.0, 1.0);
}

}  // namespace immimic::envs
