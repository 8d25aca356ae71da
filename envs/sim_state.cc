#include "envs/sim_state.h"

#include <algorithm>

namespace immimic::envs {
namespace {

// Visits each stored field as (pointer into d, length) in a fixed order.
template <typename Data, typename Fn>
void ForEachField(const mjModel* m, Data* d, Fn&& fn) {
  fn(&d->time, 1);
  fn(d->qpos, m->nq);
  fn(d->qvel, m->nv);
  fn(d->act, m->na);
  fn(d->mocap_pos, 3 * m->nmocap);
  fn(d->mocap_quat, 4 * m->nmocap);
  fn(d->qacc_warmstart, m->nv);
  fn(d->ctrl, m->nu);
  fn(d->qfrc_applied, m->nv);
}

}  // namespace

int SimStateSize(const mjModel* m) {
  return 1 + m->nq + m->nv + m->na + 7 * m->nmocap + m->nv + m->nu + m->nv;
}

int SimStatePhysicalSize(const mjModel* m) { return 1 + m->nq + m->nv + m->na + 7 * m->nmocap; }

void GetSimState(const mjModel* m, const mjData* d, double* state) {
  ForEachField(m, d,
               [&](const double* field, int n) { state = std::copy(field, field + n, state); });
}

void SetSimState(const mjModel* m, mjData* d, const double* state) {
  ForEachField(m, d, [&](double* field, int n) {
    std::copy(state, state + n, field);
    state += n;
  });
}

}  // namespace immimic::envs
