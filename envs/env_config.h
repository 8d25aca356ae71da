#pragma once
// Env settings. Defaults are the built-in values; configs/env/default.yaml documents them and a
// user's YAML may override any subset (strictly: unknown keys are errors).

#include <Eigen/Core>
#include <string>

#include "core/strict_yaml.h"

namespace immimic::envs {

struct EnvConfig {
  std::string embodiment = "robotiq";
  std::string task;      // "" = the tabletop cube scene
  int image_width = 84;  // observation images (agentview and wrist)
  int image_height = 84;
  bool images = true;        // false: no rendering at all (fast physics-only rollouts)
  double control_hz = 30.0;  // policy rate, as in the paper
  int substeps = 16;         // physics steps per policy step: timestep = 1/(hz*substeps)
  double episode_seconds = 30.0;
  double settle_seconds = 0.3;  // physics run at reset so objects come to rest
  // start pose of the TCP: above the table centre, approach axis pointing down
  Eigen::Vector3d home_position{0.5, 0.0, 0.95};
  Eigen::Vector3d home_axis_angle{3.141592653589793, 0.0, 0.0};
  double divergence_speed = 200.0;  // any |qvel| above this (rad/s or m/s) ends the episode

  double timestep() const { return 1.0 / (control_hz * substeps); }
};

// Reads the keys present in `node` over `base`; validates ranges. Throws core::ConfigError.
EnvConfig ParseEnvConfig(const core::YamlNode& node, EnvConfig base = {});
void ValidateEnvConfig(const EnvConfig& config);

}  // namespace immimic::envs
