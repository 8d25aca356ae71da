#include "datasets/episode.h"

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace immimic::datasets {
namespace {

std::vector<size_t> RowShape(const std::vector<size_t>& shape) {
  return std::vector<size_t>(shape.begin() + (shape.empty() ? 0 : 1), shape.end());
}

void Expect(bool ok, const std::string& where, const std::string& path, const std::string& what) {
  IMMIMIC_THROW_UNLESS(ok, core::InputError, where, "/", path, ": ", what);
}

void CheckRank(const ArraySpec& spec, size_t rank, const std::string& where,
               const std::string& path) {
  Expect(spec.shape.size() == rank, where, path,
         "expected " + std::to_string(rank) + " dimensions, got shape " + ShapeString(spec.shape));
}

void CheckType(const ArraySpec& spec, ElementType type, const std::string& where,
               const std::string& path) {
  Expect(spec.type == type, where, path,
         "expected " + ElementTypeName(type) + ", got " + ElementTypeName(spec.type));
}

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void AddArray(DemoLayout& layout, const std::string& path, const Array& array,
              const std::string& where) {
  const size_t values =
      array.type() == ElementType::kFloat64 ? array.doubles().size() : array.bytes().size();
  IMMIMIC_THROW_UNLESS(values == array.num_elements(), core::InputError, where, "/", path,
                       ": shape ", ShapeString(array.shape()), " needs ", array.num_elements(),
                       " values, got ", values);
  layout.arrays[path] = ArraySpec{array.type(), array.shape()};
}

}  // namespace

bool Episode::operator==(const Episode& other) const {
  return num_samples == other.num_samples && actions == other.actions && states == other.states &&
         rewards == other.rewards && dones == other.dones && obs == other.obs &&
         extras == other.extras && model_file == other.model_file && success == other.success &&
         attributes == other.attributes;
}

DemoLayout LayoutOf(const Episode& episode, const std::string& where) {
  DemoLayout layout;
  layout.num_samples = episode.num_samples;
  if (episode.actions) AddArray(layout, kActions, *episode.actions, where);
  AddArray(layout, kStates, episode.states, where);
  if (episode.rewards) AddArray(layout, kRewards, *episode.rewards, where);
  if (episode.dones) AddArray(layout, kDones, *episode.dones, where);
  for (const auto& [name, array] : episode.obs) {
    AddArray(layout, std::string(kObs) + "/" + name, array, where);
  }
  for (const auto& [name, array] : episode.extras) {
    AddArray(layout, std::string(kExtras) + "/" + name, array, where);
  }
  return layout;
}

void CheckDemoLayout(const DemoLayout& layout, const std::string& where) {
  IMMIMIC_THROW_UNLESS(layout.num_samples > 0, core::InputError, where, ": ", kNumSamples,
                       " is 0; a demo needs at least one sample");
  const std::string obs_prefix = std::string(kObs) + "/";
  const std::string extras_prefix = std::string(kExtras) + "/";
  for (const std::string& required : {std::string(kStates), obs_prefix + kEefPose}) {
    Expect(layout.arrays.count(required) > 0, where, required, "missing");
  }
  for (const auto& [path, spec] : layout.arrays) {
    const bool is_obs = path.rfind(obs_prefix, 0) == 0;
    const bool is_extra = path.rfind(extras_prefix, 0) == 0;
    const std::string name = path.substr(path.find('/') + 1);
    Expect(is_obs || is_extra || path == kActions || path == kStates || path == kRewards ||
               path == kDones,
           where, path, "unexpected array");
    Expect((!is_obs && !is_extra) || (!name.empty() && name.find('/') == std::string::npos), where,
           path, "obs and extras names must be single, non-empty names");
    Expect(!spec.shape.empty(), where, path, "a scalar; expected one row per sample");
    Expect(spec.shape[0] == layout.num_samples, where, path,
           std::to_string(spec.shape[0]) + " rows but num_samples is " +
               std::to_string(layout.num_samples));
    if (path == kActions || path == kStates) {
      CheckType(spec, ElementType::kFloat64, where, path);
      CheckRank(spec, 2, where, path);
    } else if (path == kRewards) {
      CheckType(spec, ElementType::kFloat64, where, path);
      CheckRank(spec, 1, where, path);
    } else if (path == kDones) {
      CheckType(spec, ElementType::kUint8, where, path);
      CheckRank(spec, 1, where, path);
    } else if (is_obs && name == kEefPose) {
      CheckType(spec, ElementType::kFloat64, where, path);
      CheckRank(spec, 2, where, path);
    } else if (is_obs && name == kHandKeypoints) {
      CheckType(spec, ElementType::kFloat64, where, path);
      Expect(RowShape(spec.shape) == std::vector<size_t>{21, 3}, where, path,
             "expected shape (T, 21, 3), got " + ShapeString(spec.shape));
    } else if (is_obs && name == kWristPose) {
      CheckType(spec, ElementType::kFloat64, where, path);
      Expect(RowShape(spec.shape) == std::vector<size_t>{7}, where, path,
             "expected shape (T, 7), got " + ShapeString(spec.shape));
    } else if (is_obs && (spec.type == ElementType::kUint8 || EndsWith(name, "_image"))) {
      // robomimic treats uint8 obs as images (T x H x W x C), so anything else would be misread
      CheckType(spec, ElementType::kUint8, where, path);
      Expect(spec.shape.size() == 4 && spec.shape[3] == 3, where, path,
             "an image must have shape (T, H, W, 3), got " + ShapeString(spec.shape));
    }
  }
}

void LayoutConsistency::Check(const DemoLayout& layout, const std::string& where) {
  if (!first_) {
    first_ = layout;
    const size_t file_end = where.rfind(": ");
    first_name_ = file_end == std::string::npos ? where : where.substr(file_end + 2);
    return;
  }
  // states may differ in width (e.g. a varying number of objects); what a policy reads may not
  for (const auto& [path, spec] : layout.arrays) {
    if (path == kStates) continue;
    const auto it = first_->arrays.find(path);
    Expect(it != first_->arrays.end(), where, path, "not present in " + first_name_);
    Expect(it->second.type == spec.type, where, path,
           ElementTypeName(spec.type) + " but " + ElementTypeName(it->second.type) + " in " +
               first_name_);
    Expect(RowShape(it->second.shape) == RowShape(spec.shape), where, path,
           "row shape " + ShapeString(RowShape(spec.shape)) + " differs from " +
               ShapeString(RowShape(it->second.shape)) + " in " + first_name_);
  }
  for (const auto& [path, spec] : first_->arrays) {
    Expect(layout.arrays.count(path) > 0, where, path, "missing, but present in " + first_name_);
  }
}

bool IsHumanEnvArgs(const std::string& env_args_json, const std::string& where) {
  const nlohmann::json args = nlohmann::json::parse(env_args_json, nullptr, false);
  IMMIMIC_THROW_UNLESS(args.is_object(), core::InputError, where,
                       ": env_args is not a JSON object");
  const auto embodiment = args.find("embodiment");
  if (embodiment == args.end()) return false;
  if (embodiment->is_string()) return *embodiment == "human";
  if (embodiment->is_object()) return embodiment->value("kind", nlohmann::json()) == "human";
  return false;
}

}  // namespace immimic::datasets
