// immimic suite run|status|report: a benchmark suite from data to its report (suite/).

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "suite/launcher.h"
#include "suite/report.h"
#include "suite/runner.h"
#include "suite/stage_graph.h"
#include "suite/suite_folder.h"
#include "suite/suite_spec.h"

namespace immimic::cli {
namespace fs = std::filesystem;
namespace {

struct SuiteOptions {
  std::string suite, out, cache;
  int workers = 0;
};

std::string SelfExecutable() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  IMMIMIC_THROW_UNLESS(!error, core::Error, "cannot find the immimic executable");
  return self.string();
}

// scripts/plot_suite on the report folder; false (and a note) where it cannot run.
bool DrawPlots(const std::string& dir) {
  const std::string script = core::ProjectRoot() + "/scripts/plot_suite";
  if (!fs::exists(script)) return false;
  const std::string command = "'" + script + "' '" + dir + "' > '" + dir + "/plots.log' 2>&1";
  if (std::system(command.c_str()) != 0) {
    std::cerr << "no plots (python3-matplotlib?): see " << dir << "/plots.log\n";
    return false;
  }
  return true;
}

int Report(const std::string& dir, const suite::SuiteFolder& folder) {
  const auto graph = suite::BuildStageGraph(folder.spec);
  const nlohmann::json results = suite::CollectResults(folder.spec, graph, folder.cache);
  suite::WriteReports(results, dir);
  if (DrawPlots(dir)) suite::WriteReports(results, dir);  // now with the plots
  std::cout << "report: " << dir << "/report.md\n";
  return 0;
}

int Run(const SuiteOptions& o) {
  const suite::SuiteSpec spec = suite::LoadSuiteSpec(o.suite);
  const std::string cache = fs::absolute(o.cache.empty() ? o.out + "/cache" : o.cache).string();
  fs::create_directories(o.out);
  core::WriteFileAtomically(o.out + "/suite.yaml", core::ReadFile(spec.source));
  core::WriteFileAtomically(o.out + "/cache_path.txt", cache);
  const suite::StageGraph graph = suite::BuildStageGraph(spec);
  suite::RunOptions run;
  run.cache = cache;
  run.executable = SelfExecutable();
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::unique_ptr<suite::Launcher> launcher =
      suite::MpiWorldSize() > 1
          ? suite::MakeMpiLauncher()
          : suite::MakeLocalLauncher(o.workers > 0 ? o.workers
                                                   : std::max(1, cores / spec.threads_per_job));
  std::cerr << "suite " << spec.name << ": " << graph.stages.size() << " stages, "
            << launcher->capacity() << (suite::MpiWorldSize() > 1 ? " MPI ranks" : " workers")
            << ", cache " << cache << "\n";
  const suite::RunSummary summary = suite::RunGraph(
      graph, run, *launcher, [](const std::string& line) { std::cerr << line << "\n"; });
  std::cerr << "ran " << summary.ran << ", reused " << summary.reused << ", failed "
            << summary.failed << ", skipped " << summary.skipped << "\n";
  for (const auto& failure : summary.failures) std::cerr << "failed: " << failure << "\n";
  Report(o.out, {spec, cache});
  return summary.failed > 0 ? 1 : 0;
}

int Status(const std::string& dir) {
  const suite::SuiteFolder folder = suite::ReadSuiteFolder(dir);
  const auto graph = suite::BuildStageGraph(folder.spec);
  const auto states = suite::ReadStates(folder.cache, graph);
  std::map<std::string, int> counts;
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    std::cout << suite::StateName(states[i]) << "\t" << graph.stages[i].label << "\t"
              << graph.stages[i].key.substr(0, 12) << "\n";
    ++counts[suite::StateName(states[i])];
  }
  std::cout << "total " << graph.stages.size();
  for (const auto& [state, count] : counts) std::cout << ", " << state << " " << count;
  std::cout << "\n";
  return 0;
}

}  // namespace

Command RegisterSuite(CLI::App& app) {
  auto o = std::make_shared<SuiteOptions>();
  auto dir = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("suite", "Run a benchmark suite, or show its status or report");
  sub->require_subcommand(1);
  auto* run = sub->add_subcommand("run", "Run a suite (resumes: finished stages are reused)");
  run->add_option("suite", o->suite, "A shipped suite (configs/suites/) or a .yaml file")
      ->required();
  run->add_option("--out", o->out, "Report folder")->required();
  run->add_option("--cache", o->cache, "Stage cache shared between suites (default: OUT/cache)");
  run->add_option("--workers", o->workers, "Stages at a time (default: cores / threads_per_job)")
      ->check(CLI::Range(1, 256));
  auto* status = sub->add_subcommand("status", "What is done, running and left");
  status->add_option("dir", *dir, "Report folder of a suite run")->required();
  auto* report = sub->add_subcommand("report", "Rebuild the reports from what is finished");
  report->add_option("dir", *dir, "Report folder of a suite run")->required();
  return [o, dir, run, status] {
    if (run->parsed()) {
      // under mpirun every rank runs this command: rank 0 schedules, the others run stages
      if (suite::MpiWorldSize() > 1 && suite::MpiRank() != 0) {
        suite::RunMpiWorker();
        suite::FinalizeMpi();
        return 0;
      }
      int code = 0;
      {
        code = Run(*o);  // the MPI launcher tells the workers to stop when it goes
      }
      suite::FinalizeMpi();
      return code;
    }
    if (status->parsed()) return Status(*dir);
    return Report(*dir, suite::ReadSuiteFolder(*dir));
  };
}

}  // namespace immimic::cli
