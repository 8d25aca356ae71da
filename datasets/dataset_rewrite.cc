#include "datasets/dataset_rewrite.h"

#include "datasets/dataset_reader.h"

namespace immimic::datasets {

void RewriteDataset(const std::string& source, const std::string& target, const EpisodeEdit& edit,
                    const RewriteOptions& options) {
  const DatasetReader reader(source);
  WriterOptions writer_options;
  writer_options.image_compression = options.image_compression;
  DatasetWriter writer(target, writer_options);
  for (size_t k = 0; k < reader.num_demos(); ++k) {
    Episode episode = reader.Read(k);
    if (edit) edit(k, episode);
    writer.Add(episode);
  }

  std::map<std::string, std::string> attributes = reader.attributes();
  attributes.erase(kSoftwareVersion);  // the writer records the current one
  for (const auto& [key, value] : options.attributes) attributes[key] = value;

  std::optional<Split> split;
  const auto& masks = reader.masks();
  if (masks.count(kTrainMask) > 0 && masks.count(kValidMask) > 0) {
    split = Split{masks.at(kTrainMask), masks.at(kValidMask)};
  }
  writer.Finish(options.env_args_json.value_or(reader.env_args()), attributes, split);
}

}  // namespace immimic::datasets
