#pragma once
// A tiny training run made at start-up for the runs fuzz target, so that no weights are committed:
// a 2423-parameter policy trained for two epochs on one 3-frame robot demo
// (tests/fuzz/tiny_run/robot.hdf5). It leaves a finished run folder (what `immimic eval --run`
// reads) and an interrupted one, stopped after its first epoch (what `train --resume` reads).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "agents/trained_policy.h"
#include "agents/trainer.h"
#include "core/error.h"
#include "core/paths.h"
#include "tests/fuzz/fuzz_input.h"

namespace immimic::fuzz {

struct TinyRun {
  std::string finished;          // a run folder
  std::string interrupted;       // a <run>.partial folder with resume/
  agents::TrainOptions options;  // train a copy of `interrupted` at options.out_dir + ".partial"
};

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline TinyRun MakeTinyRun() {
  namespace fs = std::filesystem;
  const fs::path dir = ScratchPath("tiny_run");
  fs::remove_all(dir);
  fs::create_directories(dir);
  WriteText(dir / "policy.yaml",
            "image_size: 16\naction_horizon: 4\n"
            "encoder: {channels: [2, 2], keypoints: 2, feature_dim: 4}\n"
            "unet: {down_dims: [4], kernel_size: 3, groups: 2, step_embed_dim: 4}\n"
            "diffusion: {train_steps: 4, inference_steps: 2}\n");
  WriteText(dir / "train.yaml", "policy: " + (dir / "policy.yaml").string() +
                                    "\nepochs: 2\nbatch_size: 4\nwarmup_steps: 1\nthreads: 1\n"
                                    "robot_time_compression: 1\n");
  TinyRun run;
  run.options.method = "robot_only";
  run.options.robot_path = core::ProjectRoot() + "/tests/fuzz/tiny_run/robot.hdf5";
  run.options.config_path = (dir / "train.yaml").string();
  run.options.out_dir = (dir / "run").string();
  run.options.stop_after_epochs = 1;
  try {
    agents::Train(run.options);
  } catch (const core::Error&) {  // "stopped after 1 epochs as asked"
  }
  run.interrupted = (dir / "interrupted.partial").string();
  fs::copy(run.options.out_dir + ".partial", run.interrupted, fs::copy_options::recursive);
  run.options.stop_after_epochs = 0;
  run.options.resume = true;
  agents::Train(run.options);
  run.finished = (dir / "finished").string();
  fs::rename(run.options.out_dir, run.finished);
  // a template that no longer loads (a changed network or format) would make every input a
  // rejection and the target useless: say so loudly
  try {
    agents::DefaultExecutorConfig(agents::ReadRunInfo(run.finished));  // loads the checkpoint
  } catch (const core::Error& e) {
    std::fprintf(stderr, "tiny_run.h: the template run does not load: %s\n", e.what());
    std::abort();
  }
  return run;
}

}  // namespace immimic::fuzz
