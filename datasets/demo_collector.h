#pragma once
// Collects scripted demonstrations into an HDF5 dataset (robomimic layout, episode.h):
//  - robot end-effectors: teleoperation-style demos with actions, agentview and wrist images,
//    eef_pose, object_state, full simulator states, rewards, dones;
//  - the human hand: natural-speed videos with what a hand-pose estimator would give
//    (obs/hand_keypoints 21 x 3 and obs/wrist_pose with estimator noise, outliers and dropped
//    frames; obs/hand_detected 1/0), the agentview video, and no actions. The noise-free
//    keypoints and wrist pose are kept apart in extras/.
// Episode k uses seed DeriveSeed(run seed, k); only successes are kept unless asked otherwise.

#include <cstdint>
#include <functional>
#include <string>

namespace immimic::datasets {

struct EstimatorNoise {
  double keypoint_sigma_m = 0.005;    // per coordinate, Gaussian
  double outlier_probability = 0.01;  // per keypoint and frame
  double outlier_offset_m = 0.04;     // an outlier lands this far off, random direction
  double dropout_probability = 0.01;  // per frame: no hand detected (NaN keypoints and pose)
  double wrist_position_sigma_m = 0.005;
  double wrist_rotation_sigma_rad = 0.035;  // 2 degrees
};

struct CollectOptions {
  std::string task;        // "" = tabletop cube
  std::string embodiment;  // robotiq | fin_ray | allegro | ability | human
  int episodes = 5;        // demos to keep
  uint64_t seed = 0;
  int image_width = 84;
  int image_height = 84;
  bool keep_failures = false;
  int max_attempts = 0;  // 0: 3 x episodes
  int threads = 0;       // 0: one per core; the file is identical for any thread count
  // Motion style: "" by embodiment (teleop for a robot, human for the hand); "teleop"; or
  // "human" on a robot: the natural-speed expert on the robot body, with actions and both
  // cameras (an oracle's data: human pace without the embodiment gap). The hand takes only human.
  std::string style;
  EstimatorNoise noise;
};

struct CollectSummary {
  int attempts = 0;
  int successes = 0;
  int kept = 0;
  long frames = 0;
  double seconds = 0;
};

// Writes `out_path` atomically. `progress(done_attempts, max_attempts)` is called after each
// episode. Throws core::InputError for bad options, core::Error if writing fails.
CollectSummary CollectDemos(const CollectOptions& options, const std::string& out_path,
                            const std::function<void(int, int)>& progress = nullptr);

}  // namespace immimic::datasets
