#pragma once
// Interactive GLFW viewer on an Env: the simulation runs at the policy rate while keys move the
// TCP target and open or close the hand.
//   Space pause | Backspace reset (next seed) | Tab camera: free, agentview, wrist
//   Arrows move in x/y | PageUp/PageDown move in z | G close hand | O open hand | Esc quit
//   Mouse: left drag rotates, right drag pans, wheel zooms (free camera)
// For tests and scripted screenshots, `keys` are pressed one per frame before the user's input
// and the viewer can stop after `frames` frames, saving a screenshot.

#include <cstdint>
#include <string>
#include <vector>

#include "envs/env.h"

namespace immimic::envs {

struct ViewerOptions {
  uint64_t seed = 0;
  int width = 960;
  int height = 720;
  int frames = 0;                 // stop after this many frames; 0 = until the window closes
  std::string screenshot;         // PNG written when the viewer stops (needs frames > 0)
  std::vector<std::string> keys;  // scripted key presses: names as in the key list above
};

struct ViewerSummary {
  int frames = 0;
  int steps = 0;
  int resets = 0;
  std::string camera;
  Eigen::VectorXd last_action;
  Eigen::VectorXd proprio;
};

// Throws core::Error when no display is available (GLFW needs an X server: use xvfb-run).
ViewerSummary RunViewer(Env& env, const ViewerOptions& options);

// Key names accepted in ViewerOptions::keys.
const std::vector<std::string>& ViewerKeyNames();

}  // namespace immimic::envs
