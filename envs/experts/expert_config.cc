#include "envs/experts/expert_config.h"

#include <algorithm>

#include "core/error.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/strict_yaml.h"
#include "envs/experts/pusher_geometry.h"

namespace immimic::envs {

std::map<std::string, double> LoadExpertParameters(const std::string& task,
                                                   const std::string& embodiment,
                                                   const std::vector<std::string>& keys) {
  const std::string path = core::ConfigPath("experts/" + task + ".yaml");
  const core::YamlNode root = core::YamlNode::LoadFile(path);
  const std::vector<std::string> entries = root.Keys();
  IMMIMIC_THROW_UNLESS(
      std::find(entries.begin(), entries.end(), embodiment) != entries.end(), core::ConfigError,
      path, ": no expert entry: ", core::UnknownNameMessage("end-effector", embodiment, entries));
  const core::YamlNode entry = root.Child(embodiment);
  for (const std::string& key : entry.Keys()) {
    IMMIMIC_THROW_UNLESS(std::find(keys.begin(), keys.end(), key) != keys.end(), core::ConfigError,
                         entry.Where(), ": ", core::UnknownNameMessage("key", key, keys));
  }
  std::map<std::string, double> values;
  for (const std::string& key : keys) {
    IMMIMIC_THROW_UNLESS(entry.Has(key), core::ConfigError, entry.Where(), ": missing key '", key,
                         "'");
    values[key] = entry.Get<double>(key);
  }
  return values;
}

PusherGeometry LoadPusherGeometry(const std::string& embodiment) {
  const auto p = LoadExpertParameters("push", embodiment, {"yaw_offset", "height", "lead"});
  return {p.at("yaw_offset"), p.at("height"), p.at("lead")};
}

}  // namespace immimic::envs
