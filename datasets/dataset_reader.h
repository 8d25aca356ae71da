#pragma once
// Reads a dataset file written by DatasetWriter (or robomimic, if it follows episode.h's rules).
// The whole file's structure is validated on open, before any data is read: a file that opens
// reads without surprises, and a bad one fails at once with a core::InputError that names the
// file and the field, e.g. "f.hdf5: data/demo_3/obs/eef_pose: 120 rows but num_samples is 121".
// Not thread-safe: Debian's HDF5 is the serial build, so use datasets from one thread at a time.
//
// Checked on open: `data` with attributes env_args (a JSON object) and total (the sum of
// num_samples); only demo_<N> groups under `data`, numbered 0..n-1; each demo's attributes and
// arrays as episode.h lists them, with the same layout in every demo; actions in every demo
// unless env_args marks a human dataset (IsHumanEnvArgs); masks, if present, naming known demos.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "datasets/episode.h"

namespace immimic::datasets {

class DatasetReader {
 public:
  // Throws core::InputError for a missing, non-HDF5, truncated, corrupt or malformed file.
  explicit DatasetReader(std::string path);
  ~DatasetReader();
  DatasetReader(const DatasetReader&) = delete;
  DatasetReader& operator=(const DatasetReader&) = delete;

  const std::string& path() const { return path_; }
  size_t num_demos() const { return demo_names_.size(); }
  // demo_0, demo_1, ... in numeric order.
  const std::vector<std::string>& demo_names() const { return demo_names_; }
  // Reads demo k. Throws core::InputError if k is out of range or the data cannot be read.
  Episode Read(size_t k) const;

  const std::string& env_args() const { return env_args_; }
  bool is_human() const { return is_human_; }
  uint64_t total() const { return total_; }
  // String attributes of `data` other than env_args and total (software_version among them).
  const std::map<std::string, std::string>& attributes() const { return attributes_; }
  // mask/<name> -> demo names; empty if the file has no mask group.
  const std::map<std::string, std::vector<std::string>>& masks() const { return masks_; }

 private:
  struct State;  // the open HDF5 file, kept out of this header

  std::string path_;
  std::unique_ptr<State> state_;
  std::vector<std::string> demo_names_;
  std::string env_args_;
  bool is_human_ = false;
  uint64_t total_ = 0;
  std::map<std::string, std::string> attributes_;
  std::map<std::string, std::vector<std::string>> masks_;
};

}  // namespace immimic::datasets
