#include "envs/task.h"

#include <cmath>

#include "core/error.h"
#include "envs/mujoco_runtime.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {

void PlaceFreeBody(const mjModel* m, mjData* d, const std::string& joint, double x, double y,
                   double z, double yaw) {
  const int id = RequireId(m, mjOBJ_JOINT, joint);
  IMMIMIC_THROW_UNLESS(m->jnt_type[id] == mjJNT_FREE, core::InputError, "joint '", joint,
                       "' is not a free joint");
  double* q = d->qpos + m->jnt_qposadr[id];
  q[0] = x;
  q[1] = y;
  q[2] = z;
  YawQuaternion(yaw, q + 3);
}

void YawQuaternion(double yaw, double* wxyz) {
  wxyz[0] = std::cos(yaw / 2);
  wxyz[1] = 0;
  wxyz[2] = 0;
  wxyz[3] = std::sin(yaw / 2);
}

void TabletopCube::RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const {
  const double x = 0.5 + rng.Uniform(-0.05, 0.05);
  const double y = rng.Uniform(-0.05, 0.05);
  const double yaw = rng.Uniform(-M_PI / 4, M_PI / 4);
  PlaceFreeBody(m, d, "cube_joint", x, y, kTableTop + kHalfSize, yaw);
}

void Task::RequireBound(const mjModel* m) const {
  IMMIMIC_THROW_UNLESS(m != nullptr && m == bound_, core::InputError, "task ", id(),
                       ": used with a model it was not bound to (Task::Bind)");
}

void TabletopCube::BindIds(const mjModel* m) { cube_ = RequireId(m, mjOBJ_BODY, "cube"); }

bool TabletopCube::IsSuccess(const mjModel* m, const mjData* d) const {
  RequireBound(m);
  return d->xpos[3 * cube_ + 2] > kTableTop + kHalfSize + 0.10;
}

}  // namespace immimic::envs
