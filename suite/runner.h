#pragma once
// Runs a stage graph: each stage an `immimic` process started by a Launcher (local processes, or
// MPI ranks) writing into its cache folder with its stdout and stderr kept beside it. A stage is
// finished when its done.json exists, written last and atomically; a killed run leaves at most
// unfinished folders, which the next run clears (a training run keeps its checkpoint and resumes).
// A failing stage is reported with its log; the stages that need it are skipped, the others go on.
#include <functional>
#include <string>
#include <vector>

#include "suite/launcher.h"
#include "suite/stage_graph.h"

namespace immimic::suite {

enum class StageState { kDone, kRunning, kFailed, kSkipped, kPending };
const char* StateName(StageState state);

struct RunOptions {
  std::string cache;       // the cache folder
  std::string executable;  // the immimic binary the stages run
};

struct RunSummary {
  int ran = 0, reused = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;  // "label: log path"
};

// The state of every stage as the cache shows it (done, running under a live process, or
// pending; failed when its failed.json exists).
std::vector<StageState> ReadStates(const std::string& cache, const StageGraph& graph);

// `progress` gets one line per finished stage, with counts and an estimate of the time left.
RunSummary RunGraph(const StageGraph& graph, const RunOptions& options, Launcher& launcher,
                    const std::function<void(const std::string&)>& progress);

}  // namespace immimic::suite
