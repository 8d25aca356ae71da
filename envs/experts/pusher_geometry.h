#pragma once
// How each embodiment's push expert pushes (configs/experts/push.yaml), shared by the planner
// and by the retargeting that carries a human push's contact over to a robot (mapping/).
#include <string>

namespace immimic::envs {

// The pusher's yaw (added to the yaw that turns the TCP's -y axis onto the push line), the TCP
// height above the table, and the distance from the TCP to the cube centre along the push line
// while pushing (measured in the sim; it places the contact move and bounds the "lost" test; the
// strokes themselves use the observed offset). Grippers lead with the closed pads' outer edges
// (the widest face, ~2 cm across; the followers' backs let the cube turn away), hands with the
// backs of the curled fingers (5-8 cm wide), the thumb trailing.
struct PusherGeometry {
  double yaw_offset = 0.0;
  double height = 0.03;
  double lead = 0.04;
};

// Throws core::ConfigError for a missing entry or key.
PusherGeometry LoadPusherGeometry(const std::string& embodiment);

}  // namespace immimic::envs
