// Run folders and checkpoints as the program reads them: the first byte picks one file of a tiny
// valid run (tests/fuzz/tiny_run.h), the rest replaces it in a copy, and the real entry point
// reads the copy: `immimic eval --run` (run.json, the policy's config, sizes, normaliser and
// weights) or `train --resume` (the resume state, model, weight average and optimiser). Bad files
// must end in an exception derived from core::Error, never in a crash or another exception.
// A replaced archive fails the SHA-256 that policy.json or state.json records for it; with bit 3 of
// the first byte set the sums are updated too, as in a consistently written but wrong run, so that
// the input reaches LibTorch's deserialiser and the checks after it (and seeds made by another
// build, whose weights differ in their last bits, fit its template).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "agents/chunk_executor.h"
#include "agents/trained_policy.h"
#include "agents/trainer.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"
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
    out.put(static_cast<char>(i | 8));  // with sums that fit: mutations reach LibTorch
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

// Records the SHA-256 of the run's archives where it keeps them (policy.json for the weights,
// state.json for the resume files), unless that record is not a JSON object.
void UpdateSums(const fs::path& dir, bool resume) {
  const fs::path record = dir / (resume ? "resume/state.json" : "policy/policy.json");
  try {
    nlohmann::json json = nlohmann::json::parse(core::ReadFile(record.string()));
    if (!json.is_object()) return;
    if (resume) {
      for (const char* name : {"model.pt", "ema.pt", "optimizer.pt"}) {
        json["sha256"][name] = core::Sha256OfFile((dir / "resume" / name).string());
      }
    } else {
      json["weights_sha256"] = core::Sha256OfFile((dir / "policy/weights.pt").string());
    }
    std::ofstream(record, std::ios::trunc) << json.dump(1);
  } catch (const nlohmann::json::exception&) {
  }
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
  const bool update_sum = data[0] & 8;
  try {
    if (pick < kEvalFiles) {
      const fs::path dir = fuzz::ScratchPath("eval_run");
      CopyWith(run.finished, dir, kFiles[pick], data + 1, size - 1);
      if (update_sum) UpdateSums(dir, false);
      LoadForEval(dir.string());
    } else {
      agents::TrainOptions options = run.options;  // same data and config: config.yaml matches
      options.out_dir = fuzz::ScratchPath("resumed");
      fs::remove_all(options.out_dir);
      const fs::path partial = options.out_dir + ".partial";
      CopyWith(run.interrupted, partial, kFiles[pick], data + 1, size - 1);
      if (update_sum) UpdateSums(partial, true);
      agents::Train(options);
    }
  } catch (const core::Error&) {
  }
  return 0;
}
