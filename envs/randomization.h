#pragma once
// Domain randomisation for validating a policy before it meets hardware (docs/sim2real.md):
// physical and visual parameters drawn per episode from the episode's seed, on their own stream,
// so the task's object placement is the same with and without it. A strict YAML file
// (configs/randomization/*.yaml) holds every range; an unknown or missing key is an error.
//
// The model-side draws (friction, masses, actuator gains, lights, colours, cameras, object
// pose jitter) are applied by envs::Env to its private copy of the model; the policy-side ones
// (observation noise, action latency) by benchmarks/randomized_policy.h.

#include <mujoco/mujoco.h>

#include <string>
#include <vector>

#include "core/rng.h"
#include "core/strict_yaml.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {

struct Randomization {
  std::string name;                     // the file's stem, for reports
  Range friction_scale{1, 1};           // x sliding friction of every geom
  Range object_mass_scale{1, 1};        // x mass and inertia of each task object with its own joint
  Range actuator_gain_scale{1, 1};      // x gain and bias of every position servo (arm and hand)
  Range light_scale{1, 1};              // x diffuse and specular of every light
  double color_jitter = 0.0;            // +- per channel of every geom and material colour
  double camera_position_jitter = 0.0;  // m per axis, every camera
  double camera_rotation_jitter_deg = 0.0;  // about a random axis, every camera
  double object_position_jitter = 0.0;      // m in x and y, each task object, after placement
  double proprio_noise = 0.0;               // std (m) added to the observed TCP position
  double object_noise = 0.0;                // std (m) added to observed object positions
  int min_latency_steps = 0, max_latency_steps = 0;  // control steps an action arrives late
};

// Throws core::ConfigError naming the file and key (missing, unknown, or out of range).
Randomization ParseRandomization(const core::YamlNode& node, const std::string& name);
// `name_or_file`: a name in configs/randomization/ ("default") or a path ending in .yaml.
Randomization LoadRandomization(const std::string& name_or_file);

// Copies `nominal` into `out` (same structure) and perturbs it with draws from `rng`;
// `object_bodies` are the task's objects (their masses are scaled when they move freely).
void RandomizeModel(const Randomization& r, const mjModel* nominal,
                    const std::vector<int>& object_bodies, mjModel* out, core::Rng& rng);

// Moves each body in `bodies` (task objects) by up to object_position_jitter in x and y: free
// bodies through their joint, fixed ones through mocap_pos. Before mj_forward at reset.
void JitterObjects(const Randomization& r, const mjModel* m, mjData* d,
                   const std::vector<int>& bodies, core::Rng& rng);

}  // namespace immimic::envs
