#pragma once
// Adding or replacing fields of an existing dataset (e.g. retargeted actions added to a human
// dataset): every demo is read, handed to an edit, and written anew with DatasetWriter, so the
// result passes the same checks as any written file and replaces the target atomically.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "datasets/dataset_writer.h"
#include "datasets/episode.h"

namespace immimic::datasets {

// Changes demo `index` in place (add actions, replace an obs, ...).
using EpisodeEdit = std::function<void(size_t index, Episode& episode)>;

struct RewriteOptions {
  // Replaces the source's env_args (e.g. to record the retargeting); kept if unset.
  std::optional<std::string> env_args_json;
  // Data attributes to add or replace; software_version is always the current one.
  std::map<std::string, std::string> attributes;
  // Deflate level of image arrays in the new file.
  int image_compression = 1;
};

// Writes `target` as a copy of `source` with `edit` applied to each demo, one demo in memory at a
// time. Data attributes and mask/train and mask/valid carry over (other masks do not; without
// both, a default split is drawn). `target` may be `source`: it is replaced only once the new file
// is complete. Throws core::InputError for a bad source or an edit that breaks the rules,
// core::Error on I/O failure.
void RewriteDataset(const std::string& source, const std::string& target, const EpisodeEdit& edit,
                    const RewriteOptions& options = {});

}  // namespace immimic::datasets
