// immimic export: evaluates a trained run under domain randomisation and, when it succeeds often
// enough, writes a bundle for the bridge (docs/sim2real.md). Below the threshold it refuses:
// exit code 1, the validation report saved beside the would-be bundle, no bundle written.

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "agents/trained_policy.h"
#include "benchmarks/rollout.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "datasets/demo_replay.h"
#include "envs/env.h"
#include "sim2real/bundle.h"

namespace immimic::cli {
namespace {
namespace fs = std::filesystem;

struct ExportOptions {
  std::string run_dir, out, randomization = "default";
  double min_success = 0.8;
  int replan_every = 8;
  double ensemble_decay = 0.0;
  benchmarks::RolloutOptions rollout;
};

nlohmann::json ActionLayout(const envs::EnvConfig& config) {
  envs::EnvConfig physics_only = config;
  physics_only.images = false;
  const envs::Env env(physics_only);
  const envs::ArraySpec action = env.action_spec();
  nlohmann::json layout = {
      {"embodiment", config.embodiment},
      {"control_hz", config.control_hz},
      {"action", {{"labels", action.labels}, {"low", action.low}, {"high", action.high}}}};
  for (const envs::ArraySpec& spec : env.observation_spec()) {
    if (spec.name == "eef_pose") layout["proprio"] = {{"labels", spec.labels}};
  }
  return layout;
}

sim2real::BundleContents Contents(const agents::TrainedRunInfo& run, const envs::EnvConfig& config,
                                  const std::string& randomization_path,
                                  const nlohmann::json& validation) {
  sim2real::BundleContents c;
  c.embodiment = run.embodiment;
  c.task = run.task;
  c.method = run.method;
  c.files["run/run.json"] = run.run_dir + "/run.json";
  c.files["run/config.yaml"] = run.run_dir + "/config.yaml";
  for (const auto& entry : fs::recursive_directory_iterator(run.run_dir + "/policy")) {
    if (!entry.is_regular_file()) continue;
    c.files["run/policy/" + fs::relative(entry.path(), run.run_dir + "/policy").string()] =
        entry.path().string();
  }
  c.files["embodiment.yaml"] = core::ConfigPath("embodiments/" + run.embodiment + ".yaml");
  c.files["randomization.yaml"] = randomization_path;
  c.documents["validation.json"] = validation;
  c.documents["action_layout.json"] = ActionLayout(config);
  return c;
}

int Export(ExportOptions o) {
  const agents::TrainedRunInfo run = agents::ReadRunInfo(o.run_dir);
  const envs::EnvConfig config =
      datasets::EnvConfigFromEnvArgs(run.env_args, o.run_dir + "/run.json");
  const std::string randomization_path =
      core::NamedConfigPath("randomization", "randomization", o.randomization);
  o.rollout.randomization =
      std::make_shared<const envs::Randomization>(envs::LoadRandomization(randomization_path));
  const agents::ChunkExecutorConfig executor =
      agents::WithExecution(agents::DefaultExecutorConfig(run), o.replan_every, o.ensemble_decay);

  Progress bar("validate", std::cerr);
  const benchmarks::RolloutResult result =
      benchmarks::EvaluatePolicy(config, agents::TrainedPolicyFactory(run, executor), o.rollout,
                                 [&](int done, int total) { bar.Update(done, total); });
  bar.Finish();
  const bool passed = result.success_rate >= o.min_success;
  nlohmann::json validation = benchmarks::ToJson(result);
  validation["run"] = o.run_dir;
  validation["method"] = run.method;
  validation["replan_every"] = executor.replan_every;
  validation["ensemble_decay"] = executor.temporal_ensemble ? executor.ensemble_decay : 0.0;
  validation["min_success"] = o.min_success;
  validation["passed"] = passed;
  core::WriteFileAtomically(o.out + ".validation.json", validation.dump(2) + "\n");
  nlohmann::json summary = {{"passed", passed},
                            {"success_rate", result.success_rate},
                            {"min_success", o.min_success},
                            {"episodes", result.episodes},
                            {"randomization", result.randomization},
                            {"report", o.out + ".validation.json"}};
  if (!passed) {
    std::cout << summary.dump() << "\n";
    std::cerr << "error: export refused: success " << result.successes << "/" << result.episodes
              << " under randomisation '" << result.randomization << "' is below --min-success "
              << o.min_success << " (report: " << o.out << ".validation.json)\n";
    return 1;
  }
  sim2real::WriteBundle(o.out, Contents(run, config, randomization_path, validation));
  summary["bundle"] = o.out;
  std::cout << summary.dump() << "\n";
  return 0;
}

}  // namespace

Command RegisterExport(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  o->rollout.episodes = 20;
  o->rollout.seed = 2000;
  auto* sub = app.add_subcommand(
      "export", "Validate a trained run under domain randomisation, then write a bridge bundle");
  sub->add_option("--run", o->run_dir, "Run folder from immimic train")->required();
  sub->add_option("--out", o->out, "Bundle folder to write")->required();
  sub->add_option("--episodes", o->rollout.episodes, "Validation episodes")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--min-success", o->min_success, "Refuse below this success rate")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--randomization", o->randomization,
                  "A name in configs/randomization/ or a .yaml file");
  sub->add_option("--seed", o->rollout.seed, "Validation seed (not the evaluation's)");
  sub->add_option("--threads", o->rollout.threads, "Rollout threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  sub->add_option("--max-steps", o->rollout.max_steps, "End episodes after this many steps")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--replan-every", o->replan_every, "Predict a chunk every N steps")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--ensemble-decay", o->ensemble_decay, "Temporal-ensemble decay (0: off)")
      ->check(CLI::Range(0.0, 100.0));
  return [o] { return Export(*o); };
}

}  // namespace immimic::cli
