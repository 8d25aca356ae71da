// A suite's report folder as `immimic suite status` and `suite report` read it back. At start-up
// the target writes a small finished suite (tiny push x Robotiq, two methods, one seed: every
// stage done, with the outputs the reports read); each input replaces one of its files, then
// status and report run through the real readers and the report is written to scratch. The first
// byte picks the file's kind (suite.yaml, cache_path.txt, done.json, eval.json, summary.json),
// the second the stage among those that have one. running.json is left out: a live process it
// names would be sent SIGTERM (an orphan of a killed run).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "suite/report.h"
#include "suite/runner.h"
#include "suite/stage_graph.h"
#include "suite/suite_folder.h"
#include "tests/fuzz/fuzz_input.h"

using namespace immimic;

namespace {
namespace fs = std::filesystem;

constexpr const char* kSuite =
    "name: tiny\ntasks: [push]\nembodiments: [robotiq]\nmethods: [robot_only, immimic_a]\n"
    "seeds: [0]\ndata: {robot_demos: 1, human_videos: 2, image_size: 32}\n"
    "eval: {episodes: 2, max_steps: 30, replan_every: 2}\n";
constexpr const char* kDone = R"({"seconds": 1.5})";
constexpr const char* kEval = R"({"successes": 1, "episodes": 2, "per_episode": [)"
                              R"({"index": 0, "success": true, "sparc": -1.5, "ldlj": -6.0},)"
                              R"({"index": 1, "success": false, "sparc": null, "ldlj": null}]})";
constexpr const char* kSummary = R"({"action_distance": 0.25})";

// The finished suite's files by kind (the first input byte), each with its original text.
struct Template {
  std::string dir;
  std::vector<std::vector<std::pair<std::string, std::string>>> files{5};
};

void Add(Template* t, size_t kind, const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  core::WriteFileAtomically(path, text);
  t->files[kind].emplace_back(path, text);
}

Template WriteTemplate() {
  Template t;
  t.dir = fuzz::ScratchPath("suite");
  const std::string cache = t.dir + "/cache";
  Add(&t, 0, t.dir + "/suite.yaml", kSuite);
  Add(&t, 1, t.dir + "/cache_path.txt", cache);
  const suite::SuiteFolder folder = suite::ReadSuiteFolder(t.dir);
  for (const suite::Stage& stage : suite::BuildStageGraph(folder.spec).stages) {
    const std::string dir = suite::StageDir(cache, stage);
    Add(&t, 2, dir + "/done.json", kDone);
    if (stage.kind == "eval" || stage.kind == "expert_eval") Add(&t, 3, dir + "/eval.json", kEval);
    if (stage.kind == "map") Add(&t, 4, dir + "/summary.json", kSummary);
  }
  return t;
}

// What `suite status` and `suite report` do with a folder (cli/suite_command.cc), the plots
// apart; graphs only for suites of a size a run could finish, as in recipes_fuzz.cc.
void StatusAndReport(const std::string& dir) {
  const suite::SuiteFolder folder = suite::ReadSuiteFolder(dir);
  const size_t points = (folder.spec.data.robot_demo_sweep.size() + 1) *
                        (folder.spec.data.human_video_sweep.size() + 1) * folder.spec.seeds.size();
  if (points > 64) return;
  const suite::StageGraph graph = suite::BuildStageGraph(folder.spec);
  for (const suite::StageState state : suite::ReadStates(folder.cache, graph)) {
    suite::StateName(state);
  }
  const nlohmann::json results = suite::CollectResults(folder.spec, graph, folder.cache);
  suite::WriteReports(results, fuzz::ScratchPath("report"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Template t = WriteTemplate();
  if (size < 2) return 0;
  const auto& candidates = t.files[data[0] % t.files.size()];
  const auto& [path, original] = candidates[data[1] % candidates.size()];
  core::WriteFileAtomically(path, std::string(reinterpret_cast<const char*>(data + 2), size - 2));
  try {
    StatusAndReport(t.dir);
  } catch (const core::Error&) {
  }
  core::WriteFileAtomically(path, original);
  return 0;
}
