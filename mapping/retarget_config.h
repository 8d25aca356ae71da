#pragma once
// How human hand keypoints map onto one end-effector (docs/paper.md, step 3), read strictly from
// configs/retarget/<embodiment>.yaml. Frames:
//   wrist  the human wrist (MediaPipe keypoint 0) as obs/wrist_pose gives it;
//   TCP    the end-effector's tool centre point, whose world pose is the action's pose.
// `mount` is the fixed wrist -> TCP transform: TCP pose = wrist pose * mount. Human keypoints are
// compared with the end-effector's keypoint sites in the TCP frame, the one frame both hands
// grasp around (each model's closed hand holds a 4 cm cube centred on its TCP).

#include <array>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "core/strict_yaml.h"

namespace immimic::mapping {

enum class RetargetObjective {
  // sum_i w_i ||alpha p_i - f_i(q)||^2 over keypoint pairs (dexterous hands)
  kKeypoints,
  // (alpha ||p_a - p_b|| + offset - ||f_a(q) - f_b(q)||)^2: thumb-index distance -> aperture
  // between two finger pads (parallel grippers)
  kAperture,
};

// Where a push's TCP comes from (mapping/push_contact.h).
enum class PushContact {
  kWrist,   // the human TCP (wrist * mount), as for every other task
  kExpert,  // moved so that the robot's pushing face meets the cube where the human's did
};

struct KeypointPair {
  int human = 0;     // MediaPipe index 0..20
  std::string site;  // site in the end-effector MJCF
  double weight = 1.0;
};

struct RetargetConfig {
  std::string embodiment;
  Eigen::Vector3d mount_pos = Eigen::Vector3d::Zero();
  Eigen::Quaterniond mount_quat = Eigen::Quaterniond::Identity();
  RetargetObjective objective = RetargetObjective::kKeypoints;
  // kKeypoints: the pairs; kAperture: exactly two (thumb side, index side), weights unused
  std::vector<KeypointPair> keypoints;
  double aperture_offset = 0.0;  // metres added to the scaled human distance (kAperture)
  double alpha = 1.0;            // human -> end-effector scale
  // Smoothness weight (m^2) on the step from the previous frame's solution, in hand units
  // normalised by each dimension's range: beta = 1e-5 makes a full-range jump cost as much as a
  // 3 mm keypoint error.
  double beta = 1e-5;
  // Low-pass factor of the hand values, y_t = y_{t-1} + filter (x_t - y_{t-1}); 1 = off. The
  // paper uses 0.2.
  double filter = 0.2;
  // The same for the TCP pose (position lerp, orientation slerp); 1 = off.
  double pose_filter = 1.0;
  int max_iterations = 30;  // Levenberg-Marquardt iterations per frame
  PushContact push_contact = PushContact::kWrist;
  // The TCP-frame transform applied to the action's pose after the mount (not to the frame the
  // keypoints are compared in): set per dataset from its task by ResolveContactTransform.
  Eigen::Vector3d contact_pos = Eigen::Vector3d::Zero();
  Eigen::Quaterniond contact_quat = Eigen::Quaterniond::Identity();
};

// Throws core::ConfigError naming file and key.
RetargetConfig ParseRetargetConfig(const core::YamlNode& root);
// configs/retarget/<embodiment>.yaml
RetargetConfig LoadRetargetConfig(const std::string& embodiment);
// The resolved settings as a JSON object (recorded in the retargeted dataset's env_args).
std::string RetargetConfigJson(const RetargetConfig& config);

}  // namespace immimic::mapping
