#pragma once
// Shared pieces of the benchmark tasks: strict reading of configs/tasks/<name>.yaml (ranges
// checked against the workspace where objects may start), placing mocap fixtures, and
// contact queries between objects and the embodiment. Nothing here allocates once a task is
// built except the config readers, so IsSuccess and Reward stay allocation-free for Env::Step.

#include <mujoco/mujoco.h>

#include <string>

#include "core/rng.h"
#include "core/strict_yaml.h"

namespace immimic::envs {

// The table top (scene/tabletop.xml).
inline constexpr double kTableTop = 0.75;
// Where object centres may start: the robot's comfortable workspace on the table (m, world).
inline constexpr double kWorkspaceXMin = 0.35, kWorkspaceXMax = 0.65;
inline constexpr double kWorkspaceYMin = -0.2, kWorkspaceYMax = 0.2;

// A closed interval [low, high] to draw from uniformly.
struct Range {
  double low = 0.0;
  double high = 0.0;
  double Sample(core::Rng& rng) const { return rng.Uniform(low, high); }
  bool Contains(double v) const { return v >= low && v <= high; }
};

// configs/tasks/<name>.yaml, loaded strictly (the caller reads every key, then calls
// RejectUnknownKeys). Throws core::Error if the file is missing.
core::YamlNode LoadTaskYaml(const std::string& name);

// `key: [low, high]` with low <= high; throws core::ConfigError naming file and key.
Range ReadRange(const core::YamlNode& node, const std::string& key);
// A range of object x (or y) start positions; must lie inside the workspace.
Range ReadWorkspaceX(const core::YamlNode& node, const std::string& key);
Range ReadWorkspaceY(const core::YamlNode& node, const std::string& key);
// A range of angles written in degrees, returned in radians.
Range ReadDegreesRange(const core::YamlNode& node, const std::string& key);
// A number > 0.
double ReadPositive(const core::YamlNode& node, const std::string& key);

// Half extents (m) along world x and y of the box that holds an object whatever its start yaw.
struct Footprint {
  double hx = 0.0;
  double hy = 0.0;
};
// The footprint of an object whose own half extents are (ax, ay), for any yaw in `yaw`.
Footprint RotatedFootprint(double ax, double ay, const Range& yaw);

// Throws core::ConfigError if two start regions (each a box of centres grown by the object's
// footprint) could overlap, so no draw ever places one object inside another.
void RequireDisjoint(const core::YamlNode& node, const std::string& name_a, const Range& ax,
                     const Range& ay, Footprint a, const std::string& name_b, const Range& bx,
                     const Range& by, Footprint b);

// Moves a mocap body (a fixture) to (x, y, z) with a yaw about world z.
void PlaceMocap(const mjModel* m, mjData* d, const std::string& body, double x, double y, double z,
                double yaw);

// True for bodies of the arm or of any registered end-effector or hand: their names start
// with "panda/" or "<embodiment>/".
bool IsEmbodimentBody(const mjModel* m, int body);
// True if `body` is `root` or one of its descendants.
bool IsInSubtree(const mjModel* m, int body, int root);
// True if any active contact joins a geom of `object`'s subtree to a geom of the embodiment.
// Uses the contacts of the last mj_forward / mj_step.
bool TouchesEmbodiment(const mjModel* m, const mjData* d, int object);
// Linear speed (m/s) of the body moved by a free joint.
double FreeJointSpeed(const mjModel* m, const mjData* d, int joint);
// Id of a named joint, or -1; no allocation.
int JointId(const mjModel* m, const char* name);

}  // namespace immimic::envs
