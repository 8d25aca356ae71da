// Run folders and checkpoints as the program reads them: the first byte picks one file of a tiny
// valid run (tests/fuzz/tiny_run.h), the rest replaces it in a copy, and the real entry point
// reads the copy: `immimic eval --run` (run.json, the policy's config, sizes, normaliser and
// weights) or `train --resume` (the resume state, model, weight average and optimiser). Bad files
// must end in an exception derived from core::Error, never in a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "agents/chunk_executor.h"
#include "agents/trained_policy.h"
#include "agents/trainer.h"
#include "core/error.h"
#include "datasets/demo_replay.h"
#include "envs/env_config.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/tiny_run.h"

using namespace immimic;
namespace fs = std::filesystem;

namespace {

// Files of a finished run (read by eval), then of an interrupted one's resume/ (read by resume).
constexpr const char* kFiles[] = {
    "run.json",          "policy/policy.json", "policy/policy.yaml", "policy/normalizer.json",
    "policy/weights.pt", "resume/state.json",  "resume/model.pt",    "resume/optimizer.pt"};
constexpr size_t kEvalFiles = 5;
constexpr size_t kFileCount = sizeof(kFiles) / sizeof(kFiles[0]);

// With IMMIMIC_FUZZ_SEEDS=<folder>, the template's files are written there as seed inputs
// (tests/fuzz/make_seed_corpus.py).
void WriteSeeds(const fuzz::TinyRun& run) {
  const char* folder = std::getenv("IMMIMIC_FUZZ_SEEDS");
  if (folder == nullptr) return;
  fs::create_directories(folder);
  for (size_t i = 0; i < kFileCount; ++i) {
    const fs::path from = fs::path(i < kEvalFiles ? run.finished : run.interrupted) / kFiles[i];
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(fs::path(folder) / ("run_" + fs::path(kFiles[i]).filename().string()),
                      std::ios::binary);
    out.put(static_cast<char>(i));
    out << in.rdbuf();
  }
}

const fuzz::TinyRun& Template() {
  static const fuzz::TinyRun run = [] {
    fuzz::TinyRun made = fuzz::MakeTinyRun();
    WriteSeeds(made);
    return made;
  }();
  return run;
}

// A copy of `from` at `to` with `file` replaced by the input.
void CopyWith(const std::string& from, const fs::path& to, const char* file, const uint8_t* data,
              size_t size) {
  fs::remove_all(to);
  fs::create_directories(to.parent_path());
  fs::copy(from, to, fs::copy_options::recursive);
  std::ofstream(to / file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

// What `immimic eval --run` reads before its rollouts.
void LoadForEval(const std::string& dir) {
  const agents::TrainedRunInfo run = agents::ReadRunInfo(dir);
  envs::ValidateEnvConfig(datasets::EnvConfigFromEnvArgs(run.env_args, dir + "/run.json"));
  const agents::ChunkExecutorConfig executor =
      agents::WithExecution(agents::DefaultExecutorConfig(run), 1, 0.8);
  agents::TrainedPolicyFactory(run, executor)();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const fuzz::TinyRun& run = Template();
  const size_t pick = data[0] % kFileCount;
  try {
    if (pick < kEvalFiles) {
      const fs::path dir = fuzz::ScratchPath("eval_run");
      CopyWith(run.finished, dir, kFiles[pick], data + 1, size - 1);
      LoadForEval(dir.string());
    } else {
      agents::TrainOptions options = run.options;  // same data and config: config.yaml matches
      options.out_dir = fuzz::ScratchPath("resumed");
      fs::remove_all(options.out_dir);
      CopyWith(run.interrupted, options.out_dir + ".partial", kFiles[pick], data + 1, size - 1);
      agents::Train(options);
    }
  } catch (const core::Error&) {
  }
  return 0;
}
