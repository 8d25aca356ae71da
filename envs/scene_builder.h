#pragma once
// Assembles the MJCF text of one scene: the tabletop, then either the Panda arm with the
// end-effector on its flange, or the free human hand driven by a mocap weld, then the task's
// objects. Names: arm "panda/...", end-effector or hand "<embodiment>/...", objects unprefixed.

#include <Eigen/Core>
#include <string>

#include "envs/embodiment_spec.h"
#include "envs/task.h"

namespace immimic::envs {

struct SceneLayout {
  Eigen::Vector3d arm_base{0.0, 0.0, 0.75};  // Panda link0 on the pedestal top
  double flange_offset = 0.107;              // joint 7 to flange, along link7 z
  int offscreen_width = 84;                  // offscreen buffer; must cover every image size
  int offscreen_height = 84;
};

// Names shared by the builder and the env.
inline constexpr char kArmPrefix[] = "panda";
inline constexpr char kWristTargetBody[] = "wrist_target";  // human mocap body (prefixed)
inline constexpr char kAgentviewCamera[] = "agentview";

std::string BuildSceneXml(const EmbodimentSpec& embodiment, const Task& task,
                          const SceneLayout& layout);

// "<prefix>/<name>".
std::string Prefixed(const std::string& prefix, const std::string& name);

}  // namespace immimic::envs
