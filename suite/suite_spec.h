#pragma once
// A benchmark suite: which cells (task x end-effector), methods, training seeds, data sizes,
// training recipe and evaluation settings to run, read strictly from YAML (configs/suites/).
#include <cstdint>
#include <string>
#include <vector>

#include "suite/external_method.h"

namespace immimic::suite {

struct DataSpec {
  int robot_demos = 5;     // with a sweep: the largest count
  int human_videos = 100;  // with a sweep: the largest count
  // Sweeps (a list in the file instead of one number), ascending; empty: no sweep. Every method
  // trains at every robot demo count; the human-data methods at every human video count above
  // 0, robot_only once per robot count as the "0 human videos" point (it reads the largest human
  // file only for its pace).
  std::vector<int> robot_demo_sweep, human_video_sweep;
  bool sweeps() const { return !robot_demo_sweep.empty() || !human_video_sweep.empty(); }
  uint64_t robot_seed = 0;  // demos --seed for the robot demos
  uint64_t human_seed = 0;  // demos --seed for the human videos
  int image_size = 84;      // stored square images
};

struct TrainSpec {
  std::string config = "default";  // configs/train/<name>.yaml or a path ending in .yaml
  int epochs = 0;                  // > 0 overrides the config's
};

struct EvalSpec {
  int episodes = 50;
  uint64_t seed = 1000;
  int replan_every = 8;
  double ensemble_decay = 0.0;  // 0: no temporal ensemble
  int max_steps = 450;          // 0: the env's own limit
};

// A built-in method trained with another method YAML (an ablation of it), reported as `name`.
struct MethodVariant {
  std::string name;    // the row's name; not a registered method's
  std::string method;  // the registered method it varies
  std::string config;  // the method YAML: configs/methods/variants/<name>.yaml unless a path
};

// The oracle row: robot_only trained on robot demos made by the human-style expert (the human's
// pace and motion on the robot's body and cameras), what a perfect bridge over the embodiment gap
// would give. demos 0: no oracle row.
struct OracleSpec {
  int demos = 0;
  uint64_t seed = 2;  // demos --seed: apart from the robot demos' and the evaluation's
};

struct SuiteSpec {
  std::string name;
  std::string source;  // the file it was read from
  std::vector<std::string> tasks, embodiments, methods;
  std::vector<ExternalMethod> external_methods;  // suite/external_method.h
  std::vector<MethodVariant> method_variants;
  std::vector<uint64_t> seeds;  // training seeds
  DataSpec data;
  TrainSpec train;
  EvalSpec eval;
  // The scripted expert at the human's pace on the same evaluation episodes: the ceiling row.
  bool expert_row = true;
  OracleSpec oracle;
  int threads_per_job = 1;  // threads each stage uses (demos, eval; training takes its config's)
};

// `name_or_path`: a shipped suite (configs/suites/<name>.yaml) or a path ending in .yaml. Throws
// core::ConfigError naming the file and key for a malformed file or a bad value, and
// core::InputError listing the known names for an unknown suite, task, end-effector or method.
SuiteSpec LoadSuiteSpec(const std::string& name_or_path);
// The shipped suites, from configs/suites/.
std::vector<std::string> SuiteNames();
// The resolved spec as canonical JSON text (its hash identifies the suite's results).
std::string SuiteSpecJson(const SuiteSpec& spec);
// configs/train/<name>.yaml, or the name itself if it is a path ending in .yaml.
std::string TrainConfigPath(const std::string& name);

}  // namespace immimic::suite
