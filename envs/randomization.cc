#include "envs/randomization.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/paths.h"

namespace immimic::envs {
namespace {

Range ReadScale(const core::YamlNode& node, const std::string& key, double min_low) {
  const Range range = ReadRange(node, key);
  IMMIMIC_THROW_UNLESS(range.low >= min_low, core::ConfigError, node.Where(), ".", key,
                       ": the low end must be at least ", min_low, ", got ", range.low);
  return range;
}

double ReadNonNegative(const core::YamlNode& node, const std::string& key, double max) {
  const double value = node.Get<double>(key);
  IMMIMIC_THROW_UNLESS(value >= 0 && value <= max, core::ConfigError, node.Where(), ".", key,
                       ": need 0 <= value <= ", max, ", got ", value);
  return value;
}

void ScaleMasses(const mjModel* nominal, const std::vector<int>& bodies, double scale,
                 mjModel* out) {
  for (int body : bodies) {
    if (nominal->body_jntnum[body] == 0) continue;  // fixed or mocap: mass plays no part
    out->body_mass[body] = nominal->body_mass[body] * scale;
    for (int i = 0; i < 3; ++i) out->body_inertia[3 * body + i] *= scale;
  }
}

void JitterColours(float* rgba, int count, double jitter, core::Rng& rng) {
  for (int k = 0; k < count; ++k) {
    for (int c = 0; c < 3; ++c) {
      const double value = rgba[4 * k + c] + rng.Uniform(-jitter, jitter);
      rgba[4 * k + c] = static_cast<float>(std::clamp(value, 0.0, 1.0));
    }
  }
}

void JitterCameras(const Randomization& r, mjModel* out, core::Rng& rng) {
  for (int cam = 0; cam < out->ncam; ++cam) {
    for (int i = 0; i < 3; ++i) {
      out->cam_pos[3 * cam + i] += rng.Uniform(-r.camera_position_jitter, r.camera_position_jitter);
    }
    double axis[3] = {rng.Normal(), rng.Normal(), rng.Normal()};
    if (mju_normalize3(axis) < 1e-9) axis[0] = 1.0;
    const double angle = rng.Uniform(-1.0, 1.0) * r.camera_rotation_jitter_deg * M_PI / 180.0;
    double turn[4], turned[4];
    mju_axisAngle2Quat(turn, axis, angle);
    mju_mulQuat(turned, out->cam_quat + 4 * cam, turn);
    mju_copy4(out->cam_quat + 4 * cam, turned);
  }
}

}  // namespace

Randomization ParseRandomization(const core::YamlNode& node, const std::string& name) {
  Randomization r;
  r.name = name;
  r.friction_scale = ReadScale(node, "friction_scale", 0.05);
  r.object_mass_scale = ReadScale(node, "object_mass_scale", 0.05);
  r.actuator_gain_scale = ReadScale(node, "actuator_gain_scale", 0.05);
  r.light_scale = ReadScale(node, "light_scale", 0.0);
  r.color_jitter = ReadNonNegative(node, "color_jitter", 1.0);
  r.camera_position_jitter = ReadNonNegative(node, "camera_position_jitter", 0.1);
  r.camera_rotation_jitter_deg = ReadNonNegative(node, "camera_rotation_jitter_deg", 30.0);
  r.object_position_jitter = ReadNonNegative(node, "object_position_jitter", 0.05);
  r.proprio_noise = ReadNonNegative(node, "proprio_noise", 0.1);
  r.object_noise = ReadNonNegative(node, "object_noise", 0.1);
  const std::vector<double> latency = node.GetVector("action_latency_steps", 2);
  IMMIMIC_THROW_UNLESS(latency[0] >= 0 && latency[0] <= latency[1] && latency[1] <= 30 &&
                           latency[0] == std::floor(latency[0]) &&
                           latency[1] == std::floor(latency[1]),
                       core::ConfigError, node.Where(),
                       ".action_latency_steps: need whole steps 0 <= low <= high <= 30");
  r.min_latency_steps = static_cast<int>(latency[0]);
  r.max_latency_steps = static_cast<int>(latency[1]);
  node.RejectUnknownKeys();
  return r;
}

Randomization LoadRandomization(const std::string& name_or_file) {
  const std::string path = core::NamedConfigPath("randomization", "randomization", name_or_file);
  return ParseRandomization(core::YamlNode::LoadFile(path),
                            std::filesystem::path(path).stem().string());
}

void RandomizeModel(const Randomization& r, const mjModel* nominal,
                    const std::vector<int>& object_bodies, mjModel* out, core::Rng& rng) {
  mj_copyModel(out, nominal);
  const double friction = r.friction_scale.Sample(rng);
  for (int g = 0; g < out->ngeom; ++g) out->geom_friction[3 * g] *= friction;
  ScaleMasses(nominal, object_bodies, r.object_mass_scale.Sample(rng), out);
  const double gain = r.actuator_gain_scale.Sample(rng);
  for (int a = 0; a < out->nu; ++a) {
    out->actuator_gainprm[mjNGAIN * a] *= gain;
    out->actuator_biasprm[mjNBIAS * a + 1] *= gain;
    out->actuator_biasprm[mjNBIAS * a + 2] *= gain;
  }
  const double light = r.light_scale.Sample(rng);
  for (int i = 0; i < 3 * out->nlight; ++i) {
    out->light_diffuse[i] = static_cast<float>(out->light_diffuse[i] * light);
    out->light_specular[i] = static_cast<float>(out->light_specular[i] * light);
  }
  JitterColours(out->geom_rgba, out->ngeom, r.color_jitter, rng);
  JitterColours(out->mat_rgba, out->nmat, r.color_jitter, rng);
  JitterCameras(r, out, rng);
}

void JitterObjects(const Randomization& r, const mjModel* m, mjData* d,
                   const std::vector<int>& bodies, core::Rng& rng) {
  for (int body : bodies) {
    const double dx = rng.Uniform(-r.object_position_jitter, r.object_position_jitter);
    const double dy = rng.Uniform(-r.object_position_jitter, r.object_position_jitter);
    double* position = nullptr;
    if (m->body_mocapid[body] >= 0) {
      position = d->mocap_pos + 3 * m->body_mocapid[body];
    } else if (m->body_jntnum[body] > 0 && m->jnt_type[m->body_jntadr[body]] == mjJNT_FREE) {
      position = d->qpos + m->jnt_qposadr[m->body_jntadr[body]];
    }
    if (position == nullptr) continue;  // welded to something else: it moves with it
    position[0] += dx;
    position[1] += dy;
  }
}

}  // namespace immimic::envs
