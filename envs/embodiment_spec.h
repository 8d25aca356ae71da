#pragma once
// What an embodiment is, as read from configs/embodiments/<name>.yaml (see
// docs/asset_contract.md). Data only: the Env binds it to a compiled model (Env::Bind in
// envs/env.cc; prefixed names as docs/asset_contract.md describes).
//
// Action layout (all embodiments):  [0:3] TCP position (world, m)
//                                   [3:6] TCP orientation, axis-angle (world, rad)
//                                   [6:]  hand dimensions, in `hand` order and units
// Proprioception layout:            [0:3] TCP position, [3:7] TCP quaternion (w, x, y, z),
//                                   [7:]  hand dimensions read back in action units

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <map>
#include <string>
#include <vector>

#include "core/strict_yaml.h"

namespace immimic::envs {

enum class EmbodimentKind { kRobot, kHuman };

struct ActuatorMap {
  std::string actuator;  // local name in the part file
  double scale = 1.0;    // ctrl = offset + scale * value
  double offset = 0.0;
};

struct JointReadout {
  std::string joint;   // local name in the part file
  double scale = 1.0;  // value = offset + scale * qpos
  double offset = 0.0;
};

struct HandDimension {
  std::string name;
  std::string unit;  // rad | m | command
  double low = 0.0, high = 0.0;
  double open = 0.0, closed = 0.0;
  // An opposing thumb's dimension (YAML `thumb: true`): experts blend thumbs and fingers apart
  // (preshapes) and a person lets go thumb first.
  bool thumb = false;
  std::vector<ActuatorMap> actuators;
  JointReadout readout;
};

struct EmbodimentSpec {
  std::string name;
  EmbodimentKind kind = EmbodimentKind::kRobot;
  std::string asset;  // under assets/
  Eigen::Vector3d mount_pos = Eigen::Vector3d::Zero();
  Eigen::Quaterniond mount_quat = Eigen::Quaterniond::Identity();
  std::vector<HandDimension> hand;
  std::map<int, std::string> keypoints;  // MediaPipe index -> site (local name)

  int hand_dim() const { return static_cast<int>(hand.size()); }
  int action_dim() const { return 6 + hand_dim(); }
  int proprio_dim() const { return 7 + hand_dim(); }
  bool is_robot() const { return kind == EmbodimentKind::kRobot; }
  Eigen::VectorXd OpenHand() const;
  Eigen::VectorXd ClosedHand() const;
};

// Parses and validates; throws core::ConfigError naming file and key.
EmbodimentSpec ParseEmbodimentSpec(const core::YamlNode& root);
// Loads configs/embodiments/<name>.yaml for a registered name.
EmbodimentSpec LoadEmbodimentSpec(const std::string& name);

// Registered embodiments: the YAML files in configs/embodiments/, sorted by name (read once).
const std::vector<std::string>& EmbodimentNames();
// The registered robot end-effectors (every embodiment but the human hand), in the same order.
const std::vector<std::string>& RobotEmbodimentNames();

}  // namespace immimic::envs
