#pragma once
// A human push carried over to a robot by its contact instead of its wrist. Mapping the human
// TCP onto the robot's TCP puts the robot's grasp centre where the human's was, which is right
// for grasps (both models close around a 4 cm cube at their TCP) but not for a push: there the
// cube meets the pusher's face, and each hand pushes with its own face at its own distance,
// height and yaw from its TCP (configs/experts/push.yaml). This transform moves the robot TCP so
// that its pushing face lands where the human's was, with the human's push line.
#include <string>

#include <Eigen/Geometry>

#include "envs/experts/pusher_geometry.h"
#include "mapping/retarget_config.h"

namespace immimic::mapping {

// The TCP-frame transform M with robot TCP = human TCP * M, for TCP orientations of the form
// Rz(yaw) * home (the experts' top-down poses; `home` is the env's home orientation). It turns
// the pusher's yaw from the human's offset to the robot's, shifts along the push line by the
// difference of the leads and up by the difference of the heights.
Eigen::Isometry3d PushContactTransform(const envs::PusherGeometry& human,
                                       const envs::PusherGeometry& robot,
                                       const Eigen::Matrix3d& home);

// Sets config->contact_pos / contact_quat for a dataset of `task`: the push transform when the
// config asks for it (push_contact: expert) and the task is push; the identity otherwise.
void ResolveContactTransform(const std::string& task, RetargetConfig* config);

}  // namespace immimic::mapping
