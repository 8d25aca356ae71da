#include "core/strict_yaml.h"

#include <filesystem>

#include "core/atomic_file.h"

namespace immimic::core {
namespace {

// The index of the first byte that is not part of valid UTF-8 (RFC 3629), or npos. YAML text is
// UTF-8, yaml-cpp does not check it, and values end up in JSON (run summaries, suite keys), whose
// writer throws on anything else.
size_t FirstInvalidUtf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range; later ones are 80..BF
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      low = c == 0xE0 ? 0xA0 : low;    // no overlong forms
      high = c == 0xED ? 0x9F : high;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      low = c == 0xF0 ? 0x90 : low;
      high = c == 0xF4 ? 0x8F : high;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if (b < (k == 1 ? low : 0x80) || b > (k == 1 ? high : 0xBF)) return i;
    }
    i += length;
  }
  return std::string::npos;
}

// A map key as text. yaml-cpp would throw its own exception for a key that is empty, a list or
// a map (`: 1`, `[a]: 1`); a config's keys are names.
std::string KeyText(const YAML::Node& key, const std::string& where) {
  IMMIMIC_THROW_UNLESS(key.IsScalar(), ConfigError, where, ": a key must be a name (line ",
                       key.Mark().line + 1, ")");
  return key.Scalar();
}

}  // namespace

YamlNode::YamlNode(YAML::Node node, std::shared_ptr<State> state, std::string path)
    : node_(std::move(node)), state_(std::move(state)), path_(std::move(path)) {}

YamlNode YamlNode::LoadFile(const std::string& path) {
  IMMIMIC_THROW_UNLESS(std::filesystem::exists(path), ConfigError, path, ": no such file");
  return LoadString(ReadFile(path), path);
}

YamlNode YamlNode::LoadString(const std::string& text, const std::string& source_name) {
  const size_t invalid = FirstInvalidUtf8(text);
  IMMIMIC_THROW_UNLESS(invalid == std::string::npos, ConfigError, source_name,
                       ": not UTF-8 text (byte ", invalid, ")");
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
    keys.push_back(KeyText(entry.first, Where()));
    state_->read_paths.insert(ChildPath(keys.back()));
  }
  return keys;
}

void YamlNode::CheckRead(const YAML::Node& node, const std::string& path) const {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = KeyText(entry.first, state_->file);
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
