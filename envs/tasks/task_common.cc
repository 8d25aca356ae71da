#include "envs/tasks/task_common.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/paths.h"
#include "envs/embodiment_spec.h"
#include "envs/mujoco_runtime.h"
#include "envs/scene_builder.h"

namespace immimic::envs {
namespace {

Range ReadBoundedRange(const core::YamlNode& node, const std::string& key, double min, double max) {
  const Range r = ReadRange(node, key);
  IMMIMIC_THROW_UNLESS(r.low >= min && r.high <= max, core::ConfigError, node.Child(key).Where(),
                       ": [", r.low, ", ", r.high, "] leaves the workspace [", min, ", ", max, "]");
  return r;
}

bool HasPrefix(const char* name, const char* prefix, size_t length) {
  return std::strncmp(name, prefix, length) == 0 && name[length] == '/';
}

}  // namespace

core::YamlNode LoadTaskYaml(const std::string& name) {
  return core::YamlNode::LoadFile(core::ConfigPath("tasks/" + name + ".yaml"));
}

Range ReadRange(const core::YamlNode& node, const std::string& key) {
  const std::vector<double> v = node.GetVector(key, 2);
  IMMIMIC_THROW_UNLESS(std::isfinite(v[0]) && std::isfinite(v[1]) && v[0] <= v[1],
                       core::ConfigError, node.Child(key).Where(),
                       ": expected [low, high] with low <= high, got [", v[0], ", ", v[1], "]");
  return {v[0], v[1]};
}

Range ReadWorkspaceX(const core::YamlNode& node, const std::string& key) {
  return ReadBoundedRange(node, key, kWorkspaceXMin, kWorkspaceXMax);
}

Range ReadWorkspaceY(const core::YamlNode& node, const std::string& key) {
  return ReadBoundedRange(node, key, kWorkspaceYMin, kWorkspaceYMax);
}

Range ReadDegreesRange(const core::YamlNode& node, const std::string& key) {
  const Range r = ReadBoundedRange(node, key, -180.0, 180.0);
  return {r.low * M_PI / 180.0, r.high * M_PI / 180.0};
}

double ReadPositive(const core::YamlNode& node, const std::string& key) {
  const double v = node.Get<double>(key);
  IMMIMIC_THROW_UNLESS(std::isfinite(v) && v > 0.0, core::ConfigError, node.Child(key).Where(),
                       ": expected a number > 0, got ", v);
  return v;
}

Footprint RotatedFootprint(double ax, double ay, const Range& yaw) {
  // sample the yaw range finely (the extents are smooth in yaw) and include both ends
  Footprint f;
  constexpr int kSamples = 64;
  for (int i = 0; i <= kSamples; ++i) {
    const double t = yaw.low + (yaw.high - yaw.low) * i / kSamples;
    const double c = std::abs(std::cos(t)), s = std::abs(std::sin(t));
    f.hx = std::max(f.hx, ax * c + ay * s);
    f.hy = std::max(f.hy, ax * s + ay * c);
  }
  return f;
}

void RequireDisjoint(const core::YamlNode& node, const std::string& name_a, const Range& ax,
                     const Range& ay, Footprint a, const std::string& name_b, const Range& bx,
                     const Range& by, Footprint b) {
  const double gx = a.hx + b.hx, gy = a.hy + b.hy;
  const bool x_apart = ax.high + gx <= bx.low || bx.high + gx <= ax.low;
  const bool y_apart = ay.high + gy <= by.low || by.high + gy <= ay.low;
  IMMIMIC_THROW_UNLESS(x_apart || y_apart, core::ConfigError, node.file(),
                       ": the start regions of ", name_a, " and ", name_b,
                       " could overlap (their centres must stay ", gx, " m apart in x or ", gy,
                       " m apart in y)");
}

void PlaceMocap(const mjModel* m, mjData* d, const std::string& body, double x, double y, double z,
                double yaw) {
  const int id = RequireId(m, mjOBJ_BODY, body);
  const int mocap = m->body_mocapid[id];
  IMMIMIC_THROW_UNLESS(mocap >= 0, core::InputError, "body '", body, "' is not a mocap body");
  double* p = d->mocap_pos + 3 * mocap;
  p[0] = x;
  p[1] = y;
  p[2] = z;
  YawQuaternion(yaw, d->mocap_quat + 4 * mocap);
}

bool IsEmbodimentBody(const mjModel* m, int body) {
  const char* name = mj_id2name(m, mjOBJ_BODY, body);
  if (name == nullptr) return false;
  if (HasPrefix(name, kArmPrefix, std::strlen(kArmPrefix))) return true;
  for (const std::string& embodiment : EmbodimentNames()) {
    if (HasPrefix(name, embodiment.c_str(), embodiment.size())) return true;
  }
  return false;
}

bool IsInSubtree(const mjModel* m, int body, int root) {
  while (body > 0 && body != root) body = m->body_parentid[body];
  return body == root;
}

bool TouchesEmbodiment(const mjModel* m, const mjData* d, int object) {
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    if (c.exclude != 0) continue;  // in the margin only, or excluded: no force
    const int b1 = m->geom_bodyid[c.geom1], b2 = m->geom_bodyid[c.geom2];
    if ((IsInSubtree(m, b1, object) && IsEmbodimentBody(m, b2)) ||
        (IsInSubtree(m, b2, object) && IsEmbodimentBody(m, b1))) {
      return true;
    }
  }
  return false;
}

double FreeJointSpeed(const mjModel* m, const mjData* d, int joint) {
  const mjtNum* v = d->qvel + m->jnt_dofadr[joint];
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

int JointId(const mjModel* m, const char* name) { return mj_name2id(m, mjOBJ_JOINT, name); }

}  // namespace immimic::envs
