#include "core/strict_yaml.h"

#include <filesystem>

namespace immimic::core {

YamlNode::YamlNode(YAML::Node node, std::shared_ptr<State> state, std::string path)
    : node_(std::move(node)), state_(std::move(state)), path_(std::move(path)) {}

YamlNode YamlNode::LoadFile(const std::string& path) {
  IMMIMIC_THROW_UNLESS(std::filesystem::exists(path), ConfigError, path, ": no such file");
  try {
    auto state = std::make_shared<State>(State{path, {}});
    YamlNode root(YAML::LoadFile(path), state, "");
    IMMIMIC_THROW_UNLESS(root.IsMap(), ConfigError, path, ": top level must be a map");
    return root;
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ": invalid YAML: " + e.what());
  }
}

YamlNode YamlNode::LoadString(const std::string& text, const std::string& source_name) {
  try {
    auto state = std::make_shared<State>(State{source_name, {}});
    YamlNode root(YAML::Load(text), state, "");
    IMMIMIC_THROW_UNLESS(root.IsMap(), ConfigError, source_name, ": top level must be a map");
    return root;
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_name + ": invalid YAML: " + e.what());
  }
}

std::string YamlNode::ChildPath(const std::string& key) const {
  return path_.empty() ? key : path_ + "." + key;
}

std::string YamlNode::Where() const { return state_->file + (path_.empty() ? "" : ": " + path_); }

std::string YamlNode::Dump() const {
  YAML::Emitter out;
  out << node_;
  return out.c_str();
}

bool YamlNode::Has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

YamlNode YamlNode::Child(const std::string& key) const {
  IMMIMIC_THROW_UNLESS(node_.IsMap(), ConfigError, Where(), ": expected a map holding '", key, "'");
  const std::string child_path = ChildPath(key);
  IMMIMIC_THROW_UNLESS(Has(key), ConfigError, state_->file, ": missing key '", child_path, "'");
  state_->read_paths.insert(child_path);
  return YamlNode(node_[key], state_, child_path);
}

std::vector<double> YamlNode::GetVector(const std::string& key, size_t expected_size) const {
  YamlNode child = Child(key);
  IMMIMIC_THROW_UNLESS(child.IsSequence(), ConfigError, child.Where(), ": expected a list");
  std::vector<double> values;
  for (const YamlNode& item : child.Items()) values.push_back(item.As<double>());
  IMMIMIC_THROW_UNLESS(expected_size == 0 || values.size() == expected_size, ConfigError,
                       child.Where(), ": expected ", expected_size, " numbers, got ",
                       values.size());
  return values;
}

std::vector<YamlNode> YamlNode::Items() const {
  IMMIMIC_THROW_UNLESS(node_.IsSequence(), ConfigError, Where(), ": expected a list");
  std::vector<YamlNode> items;
  for (size_t i = 0; i < node_.size(); ++i) {
    items.push_back(YamlNode(node_[i], state_, path_ + "[" + std::to_string(i) + "]"));
  }
  return items;
}

std::vector<std::string> YamlNode::Keys() const {
  IMMIMIC_THROW_UNLESS(node_.IsMap(), ConfigError, Where(), ": expected a map");
  std::vector<std::string> keys;
  for (const auto& entry : node_) {
    keys.push_back(entry.first.as<std::string>());
    state_->read_paths.insert(ChildPath(keys.back()));
  }
  return keys;
}

void YamlNode::CheckRead(const YAML::Node& node, const std::string& path) const {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      const std::string child = path.empty() ? key : path + "." + key;
      IMMIMIC_THROW_UNLESS(state_->read_paths.count(child) > 0, ConfigError, state_->file,
                           ": unknown key '", child, "'");
      CheckRead(entry.second, child);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CheckRead(node[i], path + "[" + std::to_string(i) + "]");
    }
  }
}

void YamlNode::RejectUnknownKeys() const { CheckRead(node_, path_); }

}  // namespace immimic::core
