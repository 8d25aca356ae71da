#pragma once
// The full simulation state as one vector, for exact replay (MuJoCo 2.2.2 has no
// mj_getState): time, qpos, qvel, act, mocap_pos, mocap_quat, qacc_warmstart, ctrl,
// qfrc_applied. Setting it and calling mj_forward restores every derived quantity.

#include <mujoco/mujoco.h>

namespace immimic::envs {

int SimStateSize(const mjModel* m);
// The leading part that is the physical configuration (time, qpos, qvel, act, mocap pose);
// the rest (solver warm start, controls, applied forces) is what the next step consumes.
int SimStatePhysicalSize(const mjModel* m);
void GetSimState(const mjModel* m, const mjData* d, double* state);
void SetSimState(const mjModel* m, mjData* d, const double* state);

}  // namespace immimic::envs
