#include "datasets/dataset_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/rng.h"
#include "datasets/hdf5_io.h"

namespace immimic::datasets {
namespace {

using internal::Handle;

std::vector<std::string> Names(const std::vector<size_t>& indices) {
  std::vector<std::string> names;
  for (size_t index : indices) names.push_back(DemoName(index));
  return names;
}

void WriteArrays(hid_t group, const std::map<std::string, Array>& arrays,
                 const internal::WriteOptions& options, const std::string& where) {
  for (const auto& [name, array] : arrays) internal::WriteArray(group, name, array, options, where);
}

// Strings are stored NUL-padded, so a NUL inside one would cut it short on reading.
void CheckText(const std::string& text, const std::string& where, const std::string& name) {
  IMMIMIC_THROW_UNLESS(text.find('\0') == std::string::npos, core::InputError, where, ": ", name,
                       " contains a NUL character");
}

}  // namespace

struct DatasetWriter::State {
  std::string temporary_path;
  Handle file;
  Handle data;
  LayoutConsistency consistency;
  uint64_t total = 0;
  std::optional<std::string> first_demo_without_actions;
  bool finished = false;
  bool failed = false;
};

std::string DemoName(size_t index) { return "demo_" + std::to_string(index); }

Split MakeSplit(size_t num_demos, double valid_fraction, uint64_t split_seed) {
  IMMIMIC_THROW_UNLESS(valid_fraction >= 0.0 && valid_fraction < 1.0, core::InputError,
                       "valid_fraction must be in [0, 1), got ", valid_fraction);
  size_t num_valid = static_cast<size_t>(std::floor(valid_fraction * num_demos + 0.5));
  if (valid_fraction > 0.0 && num_demos >= 2) num_valid = std::max<size_t>(num_valid, 1);
  num_valid = std::min(num_valid, num_demos == 0 ? 0 : num_demos - 1);
  // Fisher-Yates from raw draws: the same on every standard library
  std::vector<size_t> order(num_demos);
  for (size_t i = 0; i < num_demos; ++i) order[i] = i;
  core::Rng rng(split_seed);
  for (size_t i = num_demos; i > 1; --i) std::swap(order[i - 1], order[rng.NextU64() % i]);
  std::vector<size_t> valid(order.begin(), order.begin() + num_valid);
  std::vector<size_t> train(order.begin() + num_valid, order.end());
  std::sort(valid.begin(), valid.end());
  std::sort(train.begin(), train.end());
  return Split{Names(train), Names(valid)};
}

DatasetWriter::DatasetWriter(std::string path, WriterOptions options)
    : path_(std::move(path)), options_(options), state_(std::make_unique<State>()) {
  IMMIMIC_THROW_UNLESS(options_.valid_fraction >= 0.0 && options_.valid_fraction < 1.0,
                       core::InputError, path_, ": valid_fraction must be in [0, 1), got ",
                       options_.valid_fraction);
  IMMIMIC_THROW_UNLESS(options_.image_compression >= 0 && options_.image_compression <= 9,
                       core::InputError, path_, ": image_compression must be in 0..9, got ",
                       options_.image_compression);
  const std::filesystem::path target(path_);
  if (target.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(target.parent_path(), error);
    IMMIMIC_THROW_UNLESS(!error, core::Error, "cannot create folder ",
                         target.parent_path().string(), ": ", error.message());
  }
  state_->temporary_path = core::TemporaryPathFor(path_);
  try {
    state_->file = internal::CreateFile(state_->temporary_path);
    state_->data = internal::CreateGroup(state_->file.get(), "data", path_);
  } catch (...) {
    Fail();
    throw;
  }
}

DatasetWriter::~DatasetWriter() {
  if (!state_->finished) Fail();
}

void DatasetWriter::Fail() {
  state_->failed = true;
  state_->data.Close();
  state_->file.Close();
  std::remove(state_->temporary_path.c_str());
}

void DatasetWriter::Add(const Episode& episode) {
  IMMIMIC_THROW_UNLESS(!state_->finished && !state_->failed, core::Error, path_,
                       ": cannot add a demo, the writer has ",
                       state_->finished ? "finished" : "failed");
  const std::string name = DemoName(num_demos_);
  const std::string where = path_ + ": data/" + name;
  // check everything before writing anything, so a bad episode leaves the writer usable
  const DemoLayout layout = LayoutOf(episode, where);
  CheckDemoLayout(layout, where);
  CheckText(episode.model_file, where, kModelFile);
  for (const auto& [key, value] : episode.attributes) {
    IMMIMIC_THROW_UNLESS(key != kNumSamples && key != kModelFile && key != kSuccess,
                         core::InputError, where, ": attribute ", key, " is reserved");
    CheckText(key, where, "attribute name " + key);
    CheckText(value, where, "attribute " + key);
  }
  state_->consistency.Check(layout, where);
  try {
    Handle group = internal::CreateGroup(state_->data.get(), name, where);
    const hid_t id = group.get();
    internal::WriteInt64Attribute(id, kNumSamples, static_cast<int64_t>(episode.num_samples),
                                  where);
    internal::WriteStringAttribute(id, kModelFile, episode.model_file, where);
    internal::WriteBoolAttribute(id, kSuccess, episode.success, where);
    for (const auto& [key, value] : episode.attributes) {
      internal::WriteStringAttribute(id, key, value, where);
    }
    const internal::WriteOptions options{options_.image_compression};
    if (episode.actions) internal::WriteArray(id, kActions, *episode.actions, options, where);
    internal::WriteArray(id, kStates, episode.states, options, where);
    if (episode.rewards) internal::WriteArray(id, kRewards, *episode.rewards, options, where);
    if (episode.dones) internal::WriteArray(id, kDones, *episode.dones, options, where);
    Handle obs = internal::CreateGroup(id, kObs, where);
    WriteArrays(obs.get(), episode.obs, options, where + "/" + kObs);
    if (!episode.extras.empty()) {
      Handle extras = internal::CreateGroup(id, kExtras, where);
      WriteArrays(extras.get(), episode.extras, options, where + "/" + kExtras);
    }
  } catch (...) {
    Fail();
    throw;
  }
  if (!episode.actions && !state_->first_demo_without_actions) {
    state_->first_demo_without_actions = name;
  }
  state_->total += episode.num_samples;
  ++num_demos_;
}

void DatasetWriter::Finish(const std::string& env_args_json,
                           const std::map<std::string, std::string>& attributes,
                           const std::optional<Split>& split) {
  IMMIMIC_THROW_UNLESS(!state_->finished && !state_->failed, core::Error, path_,
                       ": cannot finish, the writer has ",
                       state_->finished ? "finished" : "failed");
  const bool human = IsHumanEnvArgs(env_args_json, path_ + ": data");
  IMMIMIC_THROW_UNLESS(human || !state_->first_demo_without_actions, core::InputError, path_,
                       ": data/", state_->first_demo_without_actions.value_or(""),
                       "/actions: missing, and env_args does not mark a human dataset");
  CheckText(env_args_json, path_ + ": data", kEnvArgs);
  for (const auto& [key, value] : attributes) {
    IMMIMIC_THROW_UNLESS(key != kEnvArgs && key != kTotal && key != kSoftwareVersion,
                         core::InputError, path_, ": data attribute ", key, " is reserved");
    CheckText(key, path_ + ": data", "attribute name " + key);
    CheckText(value, path_ + ": data", "attribute " + key);
  }
  const Split masks =
      split ? *split : MakeSplit(num_demos_, options_.valid_fraction, options_.split_seed);
  std::set<std::string> seen;
  for (const auto* names : {&masks.train, &masks.valid}) {
    for (const std::string& name : *names) {
      bool known = false;
      for (size_t i = 0; i < num_demos_ && !known; ++i) known = DemoName(i) == name;
      IMMIMIC_THROW_UNLESS(known, core::InputError, path_, ": mask names unknown demo ", name);
      IMMIMIC_THROW_UNLESS(seen.insert(name).second, core::InputError, path_, ": demo ", name,
                           " appears twice in the masks");
    }
  }
  try {
    const std::string where = path_ + ": data";
    const hid_t data = state_->data.get();
    internal::WriteStringAttribute(data, kEnvArgs, env_args_json, where);
    internal::WriteInt64Attribute(data, kTotal, static_cast<int64_t>(state_->total), where);
    internal::WriteStringAttribute(data, kSoftwareVersion, core::SoftwareVersion(), where);
    for (const auto& [key, value] : attributes) {
      internal::WriteStringAttribute(data, key, value, where);
    }
    Handle mask = internal::CreateGroup(state_->file.get(), "mask", path_);
    internal::WriteStringList(mask.get(), kTrainMask, masks.train, path_ + ": mask");
    internal::WriteStringList(mask.get(), kValidMask, masks.valid, path_ + ": mask");
    mask.Close();
    IMMIMIC_THROW_UNLESS(state_->data.Close() && state_->file.Close(), core::Error, path_,
                         ": cannot close the file (", internal::TakeHdf5Message(), ")");
    core::CommitTemporary(state_->temporary_path, path_);
  } catch (...) {
    Fail();
    throw;
  }
  state_->finished = true;
}

}  // namespace immimic::datasets
