#pragma once
// The alignment file (docs/design.md "Data files"): for every human demo and frame, the aligned
// frame in every robot demo, with each pair's DTW cost and the settings used. JSON, versioned;
// the format is documented in docs/data_formats.md ("Alignment"). Written atomically; the reader
// validates everything (sizes, frame ranges, monotone frames, finite costs) and names the field
// at fault, so training code can index it without further checks.

#include <string>
#include <vector>

#include "mapping/all_pairs.h"

namespace immimic::mapping {

inline constexpr char kAlignmentFormat[] = "immimic-alignment";
inline constexpr int kAlignmentVersion = 1;

struct AlignedPair {
  // For each human frame, the robot frame aligned to it (non-decreasing, in [0, robot frames)).
  std::vector<int> robot_frame;
  double cost = 0.0;            // DTW cost: sum of frame distances along the path
  double mean_step_cost = 0.0;  // cost / path length (the paper's Action Distance in action mode)
  int path_length = 0;
};

struct AlignmentFile {
  std::string mode;        // "action" | "visual"
  std::string embodiment;  // the end-effector both datasets are in
  std::string human_file;  // the datasets it was computed from (as given)
  std::string robot_file;
  std::vector<std::string> human_demo_names;  // e.g. demo_0, in dataset order
  std::vector<std::string> robot_demo_names;
  std::vector<int> human_frames;  // frames per human demo
  std::vector<int> robot_frames;
  std::vector<AlignedPair> pairs;  // human-major: pairs[h * robot demos + r]
  // Distance weights, normalisation, DTW window, encoder: a JSON object, stored as given.
  std::string settings_json = "{}";

  int num_human() const { return static_cast<int>(human_demo_names.size()); }
  int num_robot() const { return static_cast<int>(robot_demo_names.size()); }
  const AlignedPair& at(int human, int robot) const {
    return pairs[static_cast<size_t>(human) * robot_demo_names.size() + robot];
  }
  // Mean of mean_step_cost over all pairs: the Action Distance of the two datasets.
  double MeanStepCost() const;
};

// Builds the file contents from an all-pairs alignment. Throws core::InputError if the names or
// frame counts do not match it.
AlignmentFile MakeAlignmentFile(const AllPairsAlignment& alignment, std::string mode,
                                std::vector<std::string> human_demo_names,
                                std::vector<std::string> robot_demo_names,
                                std::vector<int> human_frames, std::vector<int> robot_frames);

// Throws core::InputError "<where>: <field>: <problem>".
void ValidateAlignmentFile(const AlignmentFile& file, const std::string& where);

// Validates, then writes `path` atomically (temporary file beside it, renamed). Throws
// core::InputError for invalid contents, core::Error on I/O failure.
void WriteAlignmentFile(const std::string& path, const AlignmentFile& file);

// Reads and validates. Throws core::InputError for a missing, malformed, wrong-format or
// wrong-version file.
AlignmentFile ReadAlignmentFile(const std::string& path);

}  // namespace immimic::mapping
