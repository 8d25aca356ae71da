#pragma once
// A suite expanded into stages (robot demos, human videos, retarget, map, train, eval), each an
// `immimic` command whose output lives in the cache under a key: the SHA-256 of everything that
// determines it (kind, settings, the keys of the stages it reads, the config files it reads, the
// software version). Suites that share a stage share its output; a finished stage is never run
// again. Editing code without changing the version is not seen: clear the cache then.
#include <string>
#include <vector>

#include "suite/suite_spec.h"

namespace immimic::suite {

struct Stage {
  // robot_demos | human_videos | retarget | map | train | external_train | eval | expert_eval
  std::string kind;
  std::string program;    // the executable; "" = the immimic binary
  std::string key;        // 64 hex digits
  std::string label;      // readable: e.g. "train pick_place/robotiq/immimic_a/s0"
  std::vector<int> deps;  // indices of the stages it reads
  // Arguments after the executable, with {dir} standing for the stage's folder and {dep:N} for
  // the folder of deps[N].
  std::vector<std::string> args;
  std::string stdout_file;  // "" or the file (in {dir}) that keeps the command's stdout
  std::string output;       // the file or folder (in {dir}) the stage exists to make
  // Cell and method the stage belongs to (eval stages), for reports.
  std::string task, embodiment, method;
  uint64_t seed = 0;
  int robot_demos = -1, human_videos = -1;  // the data sweep's point; -1 without a sweep
};

struct StageGraph {
  std::vector<Stage> stages;  // dependencies before dependants
};

StageGraph BuildStageGraph(const SuiteSpec& spec);

// The stage's folder in the cache: <cache>/<kind>/<key>.
std::string StageDir(const std::string& cache, const Stage& stage);
// The stage's arguments with {dir} and {dep:N} replaced by cache folders.
std::vector<std::string> ResolvedArgs(const std::string& cache, const StageGraph& graph,
                                      const Stage& stage);

}  // namespace immimic::suite
