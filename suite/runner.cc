#include "suite/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "suite/launcher.h"

namespace immimic::suite {
namespace fs = std::filesystem;
namespace {

// Whether `path` exists; a path the filesystem cannot look up (a name too long: a damaged
// cache_path.txt) is an InputError naming it, not std::filesystem's exception.
bool Exists(const fs::path& path) {
  std::error_code error;
  const bool exists = fs::exists(path, error);
  IMMIMIC_THROW_UNLESS(!error, core::InputError, path.string(), ": ", error.message());
  return exists;
}

using Clock = std::chrono::steady_clock;

// A zombie (dead, not yet reaped: common in containers whose init does not reap) is not alive.
bool ProcessAlive(int pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  return close == std::string::npos || close + 2 >= text.size() || text[close + 2] != 'Z';
}

// Clears what an interrupted run left in a stage folder, keeping a training checkpoint.
void PrepareFolder(const fs::path& dir) {
  if (fs::exists(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().filename() == "run.partial") continue;
      fs::remove_all(entry.path());
    }
  }
  fs::create_directories(dir);
}

struct Running {
  Clock::time_point start;
};

class Scheduler {
 public:
  Scheduler(const StageGraph& graph, const RunOptions& options, Launcher& launcher,
            const std::function<void(const std::string&)>& progress)
      : graph_(graph),
        options_(options),
        launcher_(launcher),
        progress_(progress),
        states_(ReadStates(options.cache, graph)) {}

  RunSummary Run();

 private:
  bool Ready(int i) const {
    for (int dep : graph_.stages[i].deps) {
      if (states_[dep] != StageState::kDone) return false;
    }
    return true;
  }
  void Start(int i);
  void Finish(const LaunchResult& result);
  void SkipDependants();
  std::string Eta() const;

  const StageGraph& graph_;
  const RunOptions& options_;
  Launcher& launcher_;
  const std::function<void(const std::string&)>& progress_;
  std::vector<StageState> states_;
  std::map<int, Running> running_;  // stage -> when it started
  std::map<std::string, std::pair<double, int>> seconds_by_kind_;
  RunSummary summary_;
  int finished_ = 0;
};

void Scheduler::Start(int i) {
  const Stage& stage = graph_.stages[i];
  const fs::path dir = StageDir(options_.cache, stage);
  PrepareFolder(dir);
  std::vector<std::string> args = ResolvedArgs(options_.cache, graph_, stage);
  if (stage.kind == "train" && fs::exists(dir / "run.partial")) args.push_back("--resume");
  const std::string out = stage.stdout_file.empty() ? "stdout.txt" : stage.stdout_file;
  args.insert(args.begin(), stage.program.empty() ? options_.executable : stage.program);
  // written before the start, so that a killed run always leaves it beside an orphan
  core::WriteFileAtomically((dir / "running.json").string(),
                            nlohmann::json{{"pid", 0}, {"runner", getpid()}}.dump());
  // an external command runs in its folder (immimic stages keep the suite's, for IMMIMIC_ROOT)
  const std::string cwd = stage.program.empty() ? "" : fs::absolute(dir).string();
  const int pid =
      launcher_.Start({i, args, (dir / (out + ".tmp")).string(), (dir / "log.txt").string(), cwd});
  if (pid > 0) {
    core::WriteFileAtomically((dir / "running.json").string(),
                              nlohmann::json{{"pid", pid}, {"runner", getpid()}}.dump());
  }
  running_[i] = {Clock::now()};
  states_[i] = StageState::kRunning;
}

void Scheduler::Finish(const LaunchResult& result) {
  const Running run = running_.at(result.stage);
  running_.erase(result.stage);
  const Stage& stage = graph_.stages[result.stage];
  const fs::path dir = StageDir(options_.cache, stage);
  const double seconds = std::chrono::duration<double>(Clock::now() - run.start).count();
  const std::string out = stage.stdout_file.empty() ? "stdout.txt" : stage.stdout_file;
  fs::remove(dir / "running.json");
  bool ok = result.exit_code == 0;
  if (ok) fs::rename(dir / (out + ".tmp"), dir / out);
  ok = ok && fs::exists(dir / stage.output);
  ++finished_;
  if (ok) {
    core::WriteFileAtomically(
        (dir / "done.json").string(),
        nlohmann::json{{"label", stage.label}, {"seconds", seconds}}.dump() + "\n");
    states_[result.stage] = StageState::kDone;
    ++summary_.ran;
    auto& [sum, count] = seconds_by_kind_[stage.kind];
    sum += seconds, ++count;
  } else {
    const std::string log = (dir / "log.txt").string();
    core::WriteFileAtomically(
        (dir / "failed.json").string(),
        nlohmann::json{{"label", stage.label}, {"exit_code", result.exit_code}}.dump());
    states_[result.stage] = StageState::kFailed;
    ++summary_.failed;
    summary_.failures.push_back(stage.label + ": " + log);
    SkipDependants();
  }
  std::ostringstream line;
  line << "[" << finished_ << "/" << graph_.stages.size() - summary_.reused << "] "
       << (ok ? "done " : "FAILED ") << stage.label << " (" << static_cast<int>(seconds) << " s)"
       << Eta();
  if (!ok) line << "; log: " << (dir / "log.txt").string();
  if (progress_) progress_(line.str());
}

void Scheduler::SkipDependants() {
  for (size_t i = 0; i < graph_.stages.size(); ++i) {
    if (states_[i] != StageState::kPending) continue;
    for (int dep : graph_.stages[i].deps) {
      if (states_[dep] == StageState::kFailed || states_[dep] == StageState::kSkipped) {
        states_[i] = StageState::kSkipped;
        ++summary_.skipped;
        break;
      }
    }
  }
}

std::string Scheduler::Eta() const {
  double left = 0, overall_sum = 0;
  int overall_count = 0;
  for (const auto& [kind, entry] : seconds_by_kind_)
    overall_sum += entry.first, overall_count += entry.second;
  if (overall_count == 0) return "";
  for (size_t i = 0; i < graph_.stages.size(); ++i) {
    if (states_[i] != StageState::kPending && states_[i] != StageState::kRunning) continue;
    const auto found = seconds_by_kind_.find(graph_.stages[i].kind);
    left += found != seconds_by_kind_.end() ? found->second.first / found->second.second
                                            : overall_sum / overall_count;
  }
  std::ostringstream eta;
  eta << ", about " << static_cast<int>(left / std::max(1, launcher_.capacity()) / 60 + 0.5)
      << " min left";
  return eta.str();
}

RunSummary Scheduler::Run() {
  for (StageState& state : states_) {
    if (state == StageState::kDone) ++summary_.reused;
    IMMIMIC_THROW_UNLESS(state != StageState::kRunning, core::InputError,
                         "another suite run is working in this cache (a live running.json); "
                         "wait for it or use another --cache");
    if (state == StageState::kFailed) state = StageState::kPending;  // try again
  }
  for (;;) {
    for (size_t i = 0;
         i < graph_.stages.size() && static_cast<int>(running_.size()) < launcher_.capacity();
         ++i) {
      if (states_[i] == StageState::kPending && Ready(static_cast<int>(i))) {
        Start(static_cast<int>(i));
      }
    }
    if (running_.empty()) break;
    Finish(launcher_.WaitAny());
  }
  return summary_;
}

}  // namespace

const char* StateName(StageState state) {
  switch (state) {
    case StageState::kDone:
      return "done";
    case StageState::kRunning:
      return "running";
    case StageState::kFailed:
      return "failed";
    case StageState::kSkipped:
      return "skipped";
    case StageState::kPending:
      return "pending";
  }
  return "pending";
}

std::vector<StageState> ReadStates(const std::string& cache, const StageGraph& graph) {
  std::vector<StageState> states;
  for (const Stage& stage : graph.stages) {
    const fs::path dir = StageDir(cache, stage);
    StageState state = StageState::kPending;
    if (Exists(dir / "done.json")) {
      state = StageState::kDone;
    } else if (Exists(dir / "running.json")) {
      try {
        const auto json = nlohmann::json::parse(core::ReadFile((dir / "running.json").string()));
        const int pid = json.at("pid").get<int>(), runner = json.at("runner").get<int>();
        if (ProcessAlive(runner)) {
          state = StageState::kRunning;
        } else if (ProcessAlive(pid)) {
          // an orphan of a killed run: its output would never be committed
          kill(pid, SIGTERM);
          for (int i = 0; i < 100 && ProcessAlive(pid); ++i) usleep(50000);
        }
      } catch (const std::exception&) {
      }
    } else if (Exists(dir / "failed.json")) {
      state = StageState::kFailed;
    }
    states.push_back(state);
  }
  return states;
}

RunSummary RunGraph(const StageGraph& graph, const RunOptions& options, Launcher& launcher,
                    const std::function<void(const std::string&)>& progress) {
  IMMIMIC_THROW_UNLESS(launcher.capacity() >= 1, core::InputError,
                       "no workers to run stages (--workers, or MPI ranks besides rank 0)");
  return Scheduler(graph, options, launcher, progress).Run();
}

}  // namespace immimic::suite
