#include "suite/suite_spec.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "agents/method.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/sha256.h"
#include "core/strict_yaml.h"
#include "envs/embodiment_spec.h"
#include "envs/task.h"

namespace immimic::suite {
namespace fs = std::filesystem;
namespace {

bool EndsWithYaml(const std::string& s) {
  return s.size() > 5 && s.compare(s.size() - 5, 5, ".yaml") == 0;
}

// `name` itself if it is a path ending in .yaml, else configs/<folder>/<name>.yaml; "" when that
// file does not exist.
std::string ExistingYaml(const std::string& name, const std::string& folder) {
  std::string path;
  try {
    path = EndsWithYaml(name) ? name : core::ConfigPath(folder + "/" + name + ".yaml");
  } catch (const core::Error&) {  // a shipped name that is not there
  }
  return !path.empty() && fs::exists(path) ? path : "";
}

std::vector<std::string> Names(const core::YamlNode& root, const std::string& key,
                               const std::string& kind, const std::vector<std::string>& known) {
  std::vector<std::string> names;
  for (const core::YamlNode& item : root.Child(key).Items()) {
    const std::string name = item.As<std::string>();
    IMMIMIC_THROW_UNLESS(std::find(known.begin(), known.end(), name) != known.end(),
                         core::InputError, root.Where(), ".", key, ": ",
                         core::UnknownNameMessage(kind, name, known));
    IMMIMIC_THROW_UNLESS(std::find(names.begin(), names.end(), name) == names.end(),
                         core::ConfigError, root.Where(), ".", key, ": '", name, "' twice");
    names.push_back(name);
  }
  IMMIMIC_THROW_UNLESS(!names.empty(), core::ConfigError, root.Where(), ".", key,
                       " must name at least one ", kind);
  return names;
}

// A data size: one number, or a list of them (a sweep, returned sorted; *largest is its largest).
std::vector<int> ReadSize(const core::YamlNode& node, const std::string& key, int minimum,
                          int* largest) {
  if (!node.Has(key)) return {};
  const core::YamlNode value = node.Child(key);
  if (!value.IsSequence()) {
    *largest = value.As<int>();
    return {};
  }
  std::vector<int> sizes;
  for (const core::YamlNode& item : value.Items()) sizes.push_back(item.As<int>());
  std::sort(sizes.begin(), sizes.end());
  IMMIMIC_THROW_UNLESS(
      !sizes.empty() && std::adjacent_find(sizes.begin(), sizes.end()) == sizes.end(),
      core::ConfigError, value.Where(), ": a sweep lists distinct sizes, at least one");
  IMMIMIC_THROW_UNLESS(sizes.front() >= minimum, core::ConfigError, value.Where(),
                       ": sizes must be at least ", minimum);
  *largest = sizes.back();
  return sizes;
}

void ReadData(const core::YamlNode& node, DataSpec* d) {
  d->robot_demo_sweep = ReadSize(node, "robot_demos", 1, &d->robot_demos);
  d->human_video_sweep = ReadSize(node, "human_videos", 0, &d->human_videos);
  d->robot_seed = node.GetOr<uint64_t>("robot_seed", d->robot_seed);
  d->human_seed = node.GetOr<uint64_t>("human_seed", d->human_seed);
  d->image_size = node.GetOr<int>("image_size", d->image_size);
  auto check = [&](bool ok, const char* rule) {
    IMMIMIC_THROW_UNLESS(ok, core::ConfigError, node.Where(), ": ", rule);
  };
  check(d->robot_demos >= 1, "robot_demos must be at least 1");
  check(d->human_videos >= 1, "human_videos must be at least 1");
  check(d->image_size >= 8 && d->image_size <= 1024, "image_size must be in 8..1024");
}

void ReadEval(const core::YamlNode& node, EvalSpec* e) {
  e->episodes = node.GetOr<int>("episodes", e->episodes);
  e->seed = node.GetOr<uint64_t>("seed", e->seed);
  e->replan_every = node.GetOr<int>("replan_every", e->replan_every);
  e->ensemble_decay = node.GetOr<double>("ensemble_decay", e->ensemble_decay);
  e->max_steps = node.GetOr<int>("max_steps", e->max_steps);
  auto check = [&](bool ok, const char* rule) {
    IMMIMIC_THROW_UNLESS(ok, core::ConfigError, node.Where(), ": ", rule);
  };
  check(e->episodes >= 1, "episodes must be at least 1");
  check(e->replan_every >= 1, "replan_every must be at least 1");
  check(e->ensemble_decay >= 0 && e->ensemble_decay < 1, "ensemble_decay must be in [0, 1)");
  check(e->max_steps >= 0, "max_steps must be >= 0");
}

std::vector<MethodVariant> ReadMethodVariants(const core::YamlNode& node) {
  std::vector<MethodVariant> variants;
  const std::vector<std::string> known = agents::MethodNames();
  for (const core::YamlNode& item : node.Items()) {
    MethodVariant v;
    v.name = item.Get<std::string>("name");
    v.method = item.Get<std::string>("method");
    v.config = item.GetOr<std::string>("config", v.name);
    item.RejectUnknownKeys();
    IMMIMIC_THROW_UNLESS(std::find(known.begin(), known.end(), v.method) != known.end(),
                         core::InputError, item.Where(), ": ",
                         core::UnknownNameMessage("method", v.method, known));
    IMMIMIC_THROW_UNLESS(std::find(known.begin(), known.end(), v.name) == known.end(),
                         core::ConfigError, item.Where(), ": name '", v.name,
                         "' is a registered method's; a variant needs its own");
    for (const MethodVariant& other : variants) {
      IMMIMIC_THROW_UNLESS(other.name != v.name, core::ConfigError, item.Where(), ": name '",
                           v.name, "' appears twice");
    }
    const std::string path = ExistingYaml(v.config, "methods/variants");
    IMMIMIC_THROW_UNLESS(!path.empty(), core::ConfigError, item.Where(), ": no method config '",
                         v.config, "'");
    v.config = path;
    variants.push_back(std::move(v));
  }
  return variants;
}

void ReadOracle(const core::YamlNode& node, OracleSpec* o) {
  o->demos = node.Get<int>("demos");
  o->seed = node.GetOr<uint64_t>("seed", o->seed);
  IMMIMIC_THROW_UNLESS(o->demos >= 1, core::ConfigError, node.Where(),
                       ": demos must be at least 1");
}

}  // namespace

std::string TrainConfigPath(const std::string& name) {
  return EndsWithYaml(name) ? name : core::ConfigPath("train/" + name + ".yaml");
}

std::vector<std::string> SuiteNames() { return core::ConfigNames("suites"); }

SuiteSpec LoadSuiteSpec(const std::string& name_or_path) {
  std::string path = name_or_path;
  if (!EndsWithYaml(name_or_path)) {
    const auto known = SuiteNames();
    IMMIMIC_THROW_UNLESS(std::find(known.begin(), known.end(), name_or_path) != known.end(),
                         core::InputError, core::UnknownNameMessage("suite", name_or_path, known));
    path = core::ConfigPath("suites/" + name_or_path + ".yaml");
  }
  const core::YamlNode root = core::YamlNode::LoadFile(path);
  SuiteSpec s;
  s.source = path;
  s.name = root.Get<std::string>("name");
  s.tasks = Names(root, "tasks", "task", envs::TaskNames());
  s.embodiments = Names(root, "embodiments", "end-effector", envs::RobotEmbodimentNames());
  s.methods = Names(root, "methods", "method", agents::MethodNames());
  for (const core::YamlNode& item : root.Child("seeds").Items()) {
    s.seeds.push_back(item.As<uint64_t>());
  }
  IMMIMIC_THROW_UNLESS(!s.seeds.empty(), core::ConfigError, root.Where(),
                       ".seeds must name at least one training seed");
  if (root.Has("external_methods")) {
    s.external_methods = ReadExternalMethods(root.Child("external_methods"), agents::MethodNames());
  }
  if (root.Has("method_variants")) {
    s.method_variants = ReadMethodVariants(root.Child("method_variants"));
  }
  if (root.Has("data")) ReadData(root.Child("data"), &s.data);
  if (root.Has("train")) {
    const core::YamlNode train = root.Child("train");
    s.train.config = train.GetOr<std::string>("config", s.train.config);
    s.train.epochs = train.GetOr<int>("epochs", s.train.epochs);
    IMMIMIC_THROW_UNLESS(s.train.epochs >= 0, core::ConfigError, train.Where(),
                         ": epochs must be >= 0 (0: the config's)");
    IMMIMIC_THROW_UNLESS(!ExistingYaml(s.train.config, "train").empty(), core::ConfigError,
                         train.Where(), ": no training config '", s.train.config, "'");
  }
  if (root.Has("eval")) ReadEval(root.Child("eval"), &s.eval);
  s.expert_row = root.GetOr<bool>("expert_row", s.expert_row);
  if (root.Has("oracle")) ReadOracle(root.Child("oracle"), &s.oracle);
  s.threads_per_job = root.GetOr<int>("threads_per_job", s.threads_per_job);
  IMMIMIC_THROW_UNLESS(s.threads_per_job >= 1, core::ConfigError, root.Where(),
                       ": threads_per_job must be at least 1");
  root.RejectUnknownKeys();
  return s;
}

namespace {
nlohmann::json ExternalMethodsJson(const std::vector<ExternalMethod>& methods) {
  nlohmann::json json = nlohmann::json::object();
  for (const ExternalMethod& m : methods) {
    json[m.name] = {{"command", m.command},
                    {"files", m.files},
                    {"alignment", m.alignment},
                    {"digest", ExternalMethodDigest(m)}};
  }
  return json;
}
}  // namespace

std::string SuiteSpecJson(const SuiteSpec& s) {
  nlohmann::json json = {{"name", s.name},
                         {"tasks", s.tasks},
                         {"embodiments", s.embodiments},
                         {"methods", s.methods},
                         {"external_methods", ExternalMethodsJson(s.external_methods)},
                         {"seeds", s.seeds},
                         {"data",
                          {{"robot_demos", s.data.robot_demos},
                           {"human_videos", s.data.human_videos},

                           {"robot_seed", s.data.robot_seed},
                           {"human_seed", s.data.human_seed},
                           {"image_size", s.data.image_size}}},
                         {"train", {{"config", s.train.config}, {"epochs", s.train.epochs}}},
                         {"eval",
                          {{"episodes", s.eval.episodes},
                           {"seed", s.eval.seed},
                           {"replan_every", s.eval.replan_every},
                           {"ensemble_decay", s.eval.ensemble_decay},
                           {"max_steps", s.eval.max_steps}}},
                         {"expert_row", s.expert_row},
                         {"threads_per_job", s.threads_per_job}};
  for (const MethodVariant& v : s.method_variants) {  // absent without variants: hash unchanged
    json["method_variants"][v.name] = {{"method", v.method},
                                       {"config", v.config},
                                       {"digest", core::Sha256Hex(core::ReadFile(v.config))}};
  }
  if (s.oracle.demos > 0) {  // only then, so that the hash of a suite without one is unchanged
    json["oracle"] = {{"demos", s.oracle.demos}, {"seed", s.oracle.seed}};
  }
  if (s.data.sweeps()) {  // only then, so that the hash of a suite without sweeps is unchanged
    json["data"]["robot_demo_sweep"] = s.data.robot_demo_sweep;
    json["data"]["human_video_sweep"] = s.data.human_video_sweep;
  }
  return json.dump();
}

}  // namespace immimic::suite
