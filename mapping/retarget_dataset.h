#pragma once
// Retargets a whole human-video dataset to one end-effector: a new HDF5 file, the human dataset
// plus what the end-effector's policy reads (docs/paper.md, step 3, as in the paper the retargeted
// action serves as proprioception for human samples):
//   data/demo_N/actions        T x (6 + hand)  [TCP position, TCP axis-angle, hand], absolute
//   data/demo_N/obs/eef_pose   T x (7 + hand)  [TCP position, TCP quaternion wxyz, hand]
//   data/demo_N/extras/human_eef_pose         the simulated human hand's own pose (was
//   obs/eef_pose) demo attributes  retarget_residual_mm, retarget_residual_mm_max,
//   retarget_limit_hits (share
//                    of solved frame x dimension values on a bound), retarget_jitter,
//                    retarget_detected_frames
//   data attributes  env_args gains "retarget": the resolved RetargetConfig (embodiment included)
// Everything else (images, keypoints, states, masks) is copied unchanged; written atomically.

#include <string>
#include <vector>

#include "mapping/retarget_config.h"
#include "mapping/retargeter.h"

namespace immimic::mapping {

struct RetargetDatasetSummary {
  std::string embodiment;
  int demos = 0;
  long frames = 0;
  long detected_frames = 0;
  double residual_mm_mean = 0.0;  // frame-weighted over all demos
  double residual_mm_max = 0.0;
  double limit_hit_fraction = 0.0;
  double jitter_mean = 0.0;  // mean over demos
  double mean_iterations = 0.0;
  double seconds = 0.0;       // retargeting only (not file I/O)
  double ms_per_frame = 0.0;  // retargeting only
  std::vector<RetargetQuality> per_demo;
};

// Throws core::InputError if `human_path` is not a human dataset with obs/hand_keypoints and
// obs/wrist_pose, is already retargeted, or a demo cannot be retargeted (the message names the
// demo); core::ConfigError for a bad config.
RetargetDatasetSummary RetargetDataset(const std::string& human_path, const std::string& out_path,
                                       const RetargetConfig& config);

// The summary as a JSON object (per_demo included when asked).
std::string RetargetSummaryJson(const RetargetDatasetSummary& summary, bool per_demo);

}  // namespace immimic::mapping
