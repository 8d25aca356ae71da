#pragma once
// Aligns every demo of a retargeted human dataset with every demo of a robot dataset of the same
// end-effector (docs/paper.md, step 4) and builds the alignment file.
//  - action mode: ActionFrameDistance on the actions [TCP position, axis-angle, hand]; hand
//    dimensions are divided by their action range from the embodiment config (a Robotiq command
//    of 0..255 and an Allegro angle then count alike) and weighted joint_weight / k, so the whole
//    hand moving across its range costs joint_weight metres of translation.
//  - visual mode: a PcaImageEncoder fitted on both datasets' agentview frames, then
//    VisualFrameDistance on the features.
// The settings used are recorded in the file.

#include <optional>
#include <string>

#include "mapping/alignment_file.h"
#include "mapping/image_encoder.h"

namespace immimic::mapping {

struct MapOptions {
  std::string mode = "action";  // action | visual
  // action mode
  double joint_weight = 0.1;     // metres per full-range hand motion (all dimensions together)
  double rotation_weight = 0.1;  // metres per radian
  // visual mode
  PcaEncoderOptions encoder;
  std::string image_key = "agentview_image";
  // both
  std::optional<int> window;  // Sakoe-Chiba half-width in robot frames
  int threads = 0;            // 0: one per core
};

struct MapResult {
  AlignmentFile file;
  double seconds_dtw = 0.0;  // the all-pairs DTW alone
};

// Throws core::InputError naming the file for a human dataset that is not retargeted, datasets of
// different end-effectors, missing images (visual mode) or a bad option.
MapResult MapDatasets(const std::string& human_path, const std::string& robot_path,
                      const MapOptions& options);

}  // namespace immimic::mapping
