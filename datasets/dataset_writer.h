#pragma once
// Writes demonstrations to an HDF5 file in robomimic's layout (see episode.h), atomically: all
// writing goes to a temporary file beside the target, renamed onto it by Finish. A writer
// destroyed without Finish (e.g. by an exception) removes the temporary; any existing target is
// untouched (after a hard crash only a hidden ".<name>.tmp.*" file may be left beside it).
// Not thread-safe: Debian's HDF5 is the serial build, so use datasets from one thread at a time.
//
// Files use HDF5's 1.10 format (all metadata checksummed). String attributes are fixed-length
// UTF-8, which h5py returns as bytes. File layout besides the demos:
//   data attributes: env_args (JSON text), total (sum of num_samples), software_version, extras
//   mask/train, mask/valid: demo names as fixed-length byte strings, as robomimic reads them

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "datasets/episode.h"

namespace immimic::datasets {

inline constexpr char kEnvArgs[] = "env_args";
inline constexpr char kTotal[] = "total";
inline constexpr char kSoftwareVersion[] = "software_version";
inline constexpr char kTrainMask[] = "train";
inline constexpr char kValidMask[] = "valid";

struct WriterOptions {
  // Share of demos in mask/valid, rounded; at least one when there are two demos or more and the
  // share is above 0, and never all of them. In [0, 1).
  double valid_fraction = 0.1;
  // Seeds which demos go to mask/valid; the same seed and demo count give the same split.
  uint64_t split_seed = 0;
  // Deflate level (0..9) of image arrays, each stored as one chunk per frame; 0 stores them raw.
  int image_compression = 1;
};

// Demo names for the train and valid masks (each a subset of the written demos).
struct Split {
  std::vector<std::string> train;
  std::vector<std::string> valid;
};

// "demo_3"
std::string DemoName(size_t index);

// Which demos of `num_demos` go to train and valid, as WriterOptions describes.
Split MakeSplit(size_t num_demos, double valid_fraction, uint64_t split_seed);

class DatasetWriter {
 public:
  // Creates the target's folder and the temporary file. Throws core::InputError for bad
  // options, core::Error if the file cannot be created.
  explicit DatasetWriter(std::string path, WriterOptions options = {});
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // Writes data/demo_<num_demos()>. Throws core::InputError, naming the field, if the episode
  // breaks episode.h's rules or differs in layout from the first one (nothing is written then);
  // core::Error if writing fails, after which only destruction is left.
  void Add(const Episode& episode);

  // Writes the data attributes and masks, closes the file and renames it onto the target.
  // `env_args_json` must be a JSON object; unless it marks a human dataset (IsHumanEnvArgs),
  // every demo must have actions. `attributes` are extra string attributes of `data`. `split`
  // replaces the masks drawn from the options (a rewrite keeps the source's masks this way).
  void Finish(const std::string& env_args_json,
              const std::map<std::string, std::string>& attributes = {},
              const std::optional<Split>& split = std::nullopt);

  size_t num_demos() const { return num_demos_; }
  const std::string& path() const { return path_; }

 private:
  struct State;  // HDF5 handles, kept out of this header so users need no HDF5 headers
  void Fail();

  std::string path_;
  WriterOptions options_;
  std::unique_ptr<State> state_;
  size_t num_demos_ = 0;
};

}  // namespace immimic::datasets
