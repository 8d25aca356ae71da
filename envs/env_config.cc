#include "envs/env_config.h"

namespace immimic::envs {

EnvConfig ParseEnvConfig(const core::YamlNode& node, EnvConfig c) {
  c.embodiment = node.GetOr<std::string>("embodiment", c.embodiment);
  c.task = node.GetOr<std::string>("task", c.task);
  c.image_width = node.GetOr<int>("image_width", c.image_width);
  c.image_height = node.GetOr<int>("image_height", c.image_height);
  c.images = node.GetOr<bool>("images", c.images);
  c.control_hz = node.GetOr<double>("control_hz", c.control_hz);
  c.substeps = node.GetOr<int>("substeps", c.substeps);
  c.episode_seconds = node.GetOr<double>("episode_seconds", c.episode_seconds);
  c.settle_seconds = node.GetOr<double>("settle_seconds", c.settle_seconds);
  if (node.Has("home_position")) {
    const auto v = node.GetVector("home_position", 3);
    c.home_position = Eigen::Vector3d(v[0], v[1], v[2]);
  }
  if (node.Has("home_axis_angle")) {
    const auto v = node.GetVector("home_axis_angle", 3);
    c.home_axis_angle = Eigen::Vector3d(v[0], v[1], v[2]);
  }
  c.divergence_speed = node.GetOr<double>("divergence_speed", c.divergence_speed);
  try {
    ValidateEnvConfig(c);
  } catch (const core::ConfigError& e) {
    throw core::ConfigError(node.Where() + ": " + e.what());
  }
  return c;
}

void ValidateEnvConfig(const EnvConfig& c) {
  IMMIMIC_THROW_UNLESS(
      c.image_width >= 8 && c.image_width <= 1920 && c.image_height >= 8 && c.image_height <= 1080,
      core::ConfigError, "image size must be 8..1920 x 8..1080, got ", c.image_width, "x",
      c.image_height);
  IMMIMIC_THROW_UNLESS(c.control_hz > 0 && c.control_hz <= 1000, core::ConfigError,
                       "control_hz must be in (0, 1000], got ", c.control_hz);
  IMMIMIC_THROW_UNLESS(c.substeps >= 1 && c.substeps <= 1000, core::ConfigError,
                       "substeps must be 1..1000, got ", c.substeps);
  IMMIMIC_THROW_UNLESS(c.timestep() <= 0.005, core::ConfigError,
                       "timestep 1/(control_hz*substeps) = ", c.timestep(),
                       " s is too coarse for stable grasps (max 0.005)");
  IMMIMIC_THROW_UNLESS(c.episode_seconds > 0, core::ConfigError, "episode_seconds must be > 0");
  IMMIMIC_THROW_UNLESS(c.settle_seconds >= 0, core::ConfigError, "settle_seconds must be >= 0");
  IMMIMIC_THROW_UNLESS(c.divergence_speed > 0, core::ConfigError, "divergence_speed must be > 0");
}

}  // namespace immimic::envs
