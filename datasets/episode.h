#pragma once
// One demonstration as stored under data/demo_N (robomimic's layout), and the rules that every
// stored demo follows. The writer checks an Episode against them before writing and the reader
// checks a file against them on open, so a file the writer made always reads back.
//
// Layout of data/demo_N (T = num_samples; every array has T rows):
//   actions           T x A float64   absolute commands; absent in human videos until retargeted
//   states            T x S float64   full MuJoCo state, for exact replay (required)
//   rewards           T     float64   optional
//   dones             T     uint8     optional
//   obs/eef_pose      T x D float64   (required)
//   obs/<name>_image  T x H x W x 3 uint8 (any uint8 obs must be such an image)
//   obs/hand_keypoints T x 21 x 3 float64, obs/wrist_pose T x 7 float64 (human videos)
//   obs/<other>       T x ... float64
//   extras/<name>     T x ... float64 or uint8: kept apart from obs, e.g. noise-free ground truth
//   attributes: num_samples (int64), model_file (MJCF text), success (bool as h5py writes it),
//               and any further string attributes.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datasets/array.h"

namespace immimic::datasets {

struct Episode {
  size_t num_samples = 0;
  std::optional<Array> actions;
  Array states;
  std::optional<Array> rewards;
  std::optional<Array> dones;
  std::map<std::string, Array> obs;
  std::map<std::string, Array> extras;
  std::string model_file;
  bool success = false;
  // Free string attributes; names must not clash with num_samples, model_file or success.
  std::map<std::string, std::string> attributes;

  bool operator==(const Episode& other) const;
  bool operator!=(const Episode& other) const { return !(*this == other); }
};

inline constexpr char kActions[] = "actions";
inline constexpr char kStates[] = "states";
inline constexpr char kRewards[] = "rewards";
inline constexpr char kDones[] = "dones";
inline constexpr char kObs[] = "obs";
inline constexpr char kExtras[] = "extras";
inline constexpr char kEefPose[] = "eef_pose";
inline constexpr char kHandKeypoints[] = "hand_keypoints";
inline constexpr char kWristPose[] = "wrist_pose";
inline constexpr char kNumSamples[] = "num_samples";
inline constexpr char kModelFile[] = "model_file";
inline constexpr char kSuccess[] = "success";

// Type and shape of one stored array; enough to check the rules without reading the data.
struct ArraySpec {
  ElementType type = ElementType::kFloat64;
  std::vector<size_t> shape;
};

// A demo's arrays by path inside the demo group ("actions", "obs/eef_pose", "extras/x").
struct DemoLayout {
  size_t num_samples = 0;
  std::map<std::string, ArraySpec> arrays;
};

// Throws core::InputError "<where>/<path>: ..." if an array's value count does not match its
// shape.
DemoLayout LayoutOf(const Episode& episode, const std::string& where);

// Checks one demo's rules. Throws core::InputError "<where>/<path>: <problem>", e.g.
// "f.hdf5: data/demo_3/obs/eef_pose: 120 rows but num_samples is 121". `where` names the demo.
void CheckDemoLayout(const DemoLayout& layout, const std::string& where);

// Checks that every demo has the same obs and extras names, element types and row shapes, and
// the same action width, as the first demo it saw: a policy needs fixed-size inputs.
class LayoutConsistency {
 public:
  void Check(const DemoLayout& layout, const std::string& where);

 private:
  std::optional<DemoLayout> first_;
  std::string first_name_;  // e.g. "data/demo_0", without the file
};

// The rule for optional actions: a dataset is human if its env_args JSON object has an
// "embodiment" that is "human" or an object with "kind": "human"; its demos may lack actions
// (until retargeted). Throws core::InputError naming `where` unless env_args is a JSON object.
bool IsHumanEnvArgs(const std::string& env_args_json, const std::string& where);

}  // namespace immimic::datasets
