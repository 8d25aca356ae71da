#pragma once
// Strict YAML access: a missing key, a value of the wrong type, or a key nobody read is a
// ConfigError that names the file and the full key path (e.g. "robotiq.yaml: hand[0].low").

#include <yaml-cpp/yaml.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace immimic::core {

class YamlNode {
 public:
  static YamlNode LoadFile(const std::string& path);
  static YamlNode LoadString(const std::string& text, const std::string& source_name);

  bool Has(const std::string& key) const;
  // Required child (map or sequence); marks the key as read.
  YamlNode Child(const std::string& key) const;
  // Required scalar converted to T.
  template <typename T>
  T Get(const std::string& key) const {
    return Child(key).As<T>();
  }
  // Optional scalar; the fallback when the key is absent.
  template <typename T>
  T GetOr(const std::string& key, const T& fallback) const {
    return Has(key) ? Get<T>(key) : fallback;
  }
  // Required list of numbers; `expected_size` 0 means any length.
  std::vector<double> GetVector(const std::string& key, size_t expected_size = 0) const;

  template <typename T>
  T As() const {
    try {
      return node_.as<T>();
    } catch (const YAML::Exception&) {
      throw ConfigError(Where() + ": cannot read value '" + Dump() + "' as the expected type");
    }
  }

  bool IsMap() const { return node_.IsMap(); }
  bool IsSequence() const { return node_.IsSequence(); }
  // Elements of a sequence (error if this is not a sequence).
  std::vector<YamlNode> Items() const;
  // Keys of a map, in file order (all are marked as read).
  std::vector<std::string> Keys() const;
  // Throws ConfigError for the first map key anywhere in the document that was never read.
  void RejectUnknownKeys() const;

  // "file: key.path" for messages.
  std::string Where() const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return state_->file; }

 private:
  struct State {
    std::string file;
    std::set<std::string> read_paths;
  };
  YamlNode(YAML::Node node, std::shared_ptr<State> state, std::string path);
  std::string ChildPath(const std::string& key) const;
  std::string Dump() const;
  void CheckRead(const YAML::Node& node, const std::string& path) const;

  YAML::Node node_;
  std::shared_ptr<State> state_;
  std::string path_;
};

}  // namespace immimic::core
