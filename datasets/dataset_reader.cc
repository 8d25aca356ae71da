#include "datasets/dataset_reader.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "datasets/dataset_writer.h"
#include "datasets/hdf5_io.h"

namespace immimic::datasets {
namespace {

using core::InputError;
using internal::Handle;
using internal::Join;
using internal::ObjectKind;

// Index N of "demo_N" (no sign, no leading zeros), or -1.
long DemoIndex(const std::string& name) {
  const std::string prefix = "demo_";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size() || name.size() > 15) return -1;
  const std::string digits = name.substr(prefix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return -1;
  }
  if (digits.size() > 1 && digits[0] == '0') return -1;
  return std::stol(digits);
}

// Fills `arrays` (path -> data) for the datasets of `group`; `prefix` is "" or "obs/".
void InspectArrays(hid_t group, const std::string& prefix, const std::string& where, bool read_data,
                   DemoLayout* layout, std::map<std::string, Array>* arrays) {
  for (const std::string& name : internal::ListMembers(group, where)) {
    Handle dataset = internal::OpenDataset(group, name, where);
    const std::string here = Join(where, name);
    const ArraySpec spec = internal::InspectArray(dataset.get(), here);
    layout->arrays[prefix + name] = spec;
    if (read_data) (*arrays)[name] = internal::ReadArray(dataset.get(), spec, here);
  }
}

// Reads a demo's attributes and layout, and its arrays too if `read_data`.
Episode LoadDemo(hid_t demo, const std::string& where, bool read_data, DemoLayout* layout) {
  Episode episode;
  const int64_t num_samples = internal::ReadInt64Attribute(demo, kNumSamples, where);
  IMMIMIC_THROW_UNLESS(num_samples > 0, InputError, where, ": ", kNumSamples, " is ", num_samples,
                       "; a demo needs at least one sample");
  episode.num_samples = static_cast<size_t>(num_samples);
  episode.model_file = internal::ReadStringAttribute(demo, kModelFile, where);
  episode.success = internal::ReadBoolAttribute(demo, kSuccess, where);
  for (const std::string& key : internal::ListAttributes(demo, where)) {
    if (key == kNumSamples || key == kModelFile || key == kSuccess) continue;
    episode.attributes[key] = internal::ReadStringAttribute(demo, key, where);
  }

  layout->num_samples = episode.num_samples;
  std::map<std::string, Array> top;
  for (const std::string& name : internal::ListMembers(demo, where)) {
    const ObjectKind kind = internal::KindOf(demo, name, where);
    if (kind == ObjectKind::kGroup && (name == kObs || name == kExtras)) {
      Handle group = internal::OpenGroup(demo, name, where);
      InspectArrays(group.get(), name + "/", Join(where, name), read_data, layout,
                    name == kObs ? &episode.obs : &episode.extras);
      continue;
    }
    IMMIMIC_THROW_UNLESS(kind == ObjectKind::kDataset, InputError, Join(where, name),
                         ": unexpected entry (only arrays, obs and extras belong in a demo)");
    Handle dataset = internal::OpenDataset(demo, name, where);
    const ArraySpec spec = internal::InspectArray(dataset.get(), Join(where, name));
    layout->arrays[name] = spec;
    if (read_data) top[name] = internal::ReadArray(dataset.get(), spec, Join(where, name));
  }
  if (read_data) {
    if (top.count(kActions)) episode.actions = std::move(top[kActions]);
    if (top.count(kStates)) episode.states = std::move(top[kStates]);
    if (top.count(kRewards)) episode.rewards = std::move(top[kRewards]);
    if (top.count(kDones)) episode.dones = std::move(top[kDones]);
  }
  return episode;
}

}  // namespace

struct DatasetReader::State {
  Handle file;
  Handle data;
};

DatasetReader::DatasetReader(std::string path)
    : path_(std::move(path)), state_(std::make_unique<State>()) {
  std::error_code error;
  const auto status = std::filesystem::status(path_, error);
  IMMIMIC_THROW_UNLESS(std::filesystem::exists(status), InputError, path_, ": no such file");
  IMMIMIC_THROW_UNLESS(std::filesystem::is_regular_file(status), InputError, path_,
                       ": not a regular file");
  state_->file = internal::OpenFile(path_);
  const std::string root = path_ + ": ";
  state_->data = internal::OpenGroup(state_->file.get(), "data", root);
  const hid_t data = state_->data.get();
  const std::string where = root + "data";

  // data attributes
  env_args_ = internal::ReadStringAttribute(data, kEnvArgs, where);
  is_human_ = IsHumanEnvArgs(env_args_, where);
  const int64_t total = internal::ReadInt64Attribute(data, kTotal, where);
  IMMIMIC_THROW_UNLESS(total >= 0, InputError, where, ": total is negative (", total, ")");
  total_ = static_cast<uint64_t>(total);
  for (const std::string& key : internal::ListAttributes(data, where)) {
    if (key == kEnvArgs || key == kTotal) continue;
    attributes_[key] = internal::ReadStringAttribute(data, key, where);
  }

  // demo names: exactly demo_0 .. demo_{n-1}
  std::vector<std::pair<long, std::string>> demos;
  for (const std::string& name : internal::ListMembers(data, where)) {
    const long index = DemoIndex(name);
    IMMIMIC_THROW_UNLESS(index >= 0, InputError, Join(where, name),
                         ": unexpected entry (expected demo_<N>)");
    demos.emplace_back(index, name);
  }
  std::sort(demos.begin(), demos.end());
  for (size_t i = 0; i < demos.size(); ++i) {
    IMMIMIC_THROW_UNLESS(demos[i].first == static_cast<long>(i), InputError,
                         Join(where, DemoName(i)),
                         ": missing (demos must be numbered from 0 without gaps)");
    demo_names_.push_back(demos[i].second);
  }

  // each demo's structure, without reading its data
  LayoutConsistency consistency;
  uint64_t samples = 0;
  for (const std::string& name : demo_names_) {
    const std::string demo_where = Join(where, name);
    Handle demo = internal::OpenGroup(data, name, where);
    DemoLayout layout;
    LoadDemo(demo.get(), demo_where, false, &layout);
    CheckDemoLayout(layout, demo_where);
    consistency.Check(layout, demo_where);
    IMMIMIC_THROW_UNLESS(is_human_ || layout.arrays.count(kActions) > 0, InputError,
                         Join(demo_where, kActions),
                         ": missing, and env_args does not mark a human dataset");
    samples += layout.num_samples;
  }
  IMMIMIC_THROW_UNLESS(samples == total_, InputError, where, ": total is ", total_,
                       " but the demos hold ", samples, " samples");

  // masks are optional (robomimic reads files without them), but must name known demos
  const htri_t has_mask = H5Lexists(state_->file.get(), "mask", H5P_DEFAULT);
  internal::CheckStatus<InputError>(has_mask < 0 ? -1 : 0, root + "mask", "cannot look up");
  if (has_mask > 0) {
    Handle mask = internal::OpenGroup(state_->file.get(), "mask", root);
    const std::string mask_where = root + "mask";
    const std::set<std::string> known(demo_names_.begin(), demo_names_.end());
    for (const std::string& name : internal::ListMembers(mask.get(), mask_where)) {
      Handle dataset = internal::OpenDataset(mask.get(), name, mask_where);
      std::vector<std::string> names =
          internal::ReadStringList(dataset.get(), Join(mask_where, name));
      for (const std::string& demo : names) {
        IMMIMIC_THROW_UNLESS(known.count(demo) > 0, InputError, Join(mask_where, name),
                             ": names unknown demo ", demo);
      }
      masks_[name] = std::move(names);
    }
  }
}

DatasetReader::~DatasetReader() = default;

Episode DatasetReader::Read(size_t k) const {
  IMMIMIC_THROW_UNLESS(k < demo_names_.size(), InputError, path_, ": demo index ", k,
                       " out of range (", demo_names_.size(), " demos)");
  const std::string where = path_ + ": data";
  Handle demo = internal::OpenGroup(state_->data.get(), demo_names_[k], where);
  DemoLayout layout;
  return LoadDemo(demo.get(), Join(where, demo_names_[k]), true, &layout);
}

}  // namespace immimic::datasets
