// immimic eval: rolls a trained run out in simulation and scores it.

#include <iostream>
#include <nlohmann/json.hpp>

#include "agents/open_loop.h"
#include "agents/torchscript_policy.h"
#include "agents/trained_policy.h"
#include "benchmarks/expert_policy.h"
#include "benchmarks/rollout.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "core/error.h"
#include "datasets/demo_replay.h"

namespace immimic::cli {
namespace {

// The env of a policy that is not a training run (the scripted expert, a TorchScript module).
struct EnvChoice {
  std::string task, embodiment;
  int width = 84, height = 84;
};

envs::EnvConfig ConfigFor(const EnvChoice& e, const std::string& flag) {
  IMMIMIC_THROW_UNLESS(!e.task.empty() && !e.embodiment.empty(), core::InputError, flag,
                       " needs --task and --embodiment");
  envs::EnvConfig config;
  config.task = e.task;
  config.embodiment = e.embodiment;
  config.image_width = e.width;
  config.image_height = e.height;
  return config;
}

nlohmann::json Rollouts(const envs::EnvConfig& config, const agents::PolicyFactory& factory,
                        const benchmarks::RolloutOptions& options) {
  Progress bar("eval", std::cerr);
  const benchmarks::RolloutResult result = benchmarks::EvaluatePolicy(
      config, factory, options, [&](int done, int total) { bar.Update(done, total); });
  bar.Finish();
  return benchmarks::ToJson(result);
}

// The scripted expert as the policy (the ceiling row of a suite): the same episodes, rollout
// and report as a trained run's evaluation.
int EvaluateExpert(const std::string& style_name, const EnvChoice& e,
                   const benchmarks::RolloutOptions& options) {
  const envs::EnvConfig config = ConfigFor(e, "--expert");
  const envs::MotionStyle style =
      style_name == "human" ? envs::MotionStyle::kHumanVideo : envs::MotionStyle::kTeleoperation;
  nlohmann::json report = Rollouts(
      config, [config, style] { return std::make_unique<benchmarks::ExpertPolicy>(config, style); },
      options);
  report["method"] = "expert";
  report["expert_style"] = style_name;
  std::cout << report.dump() << "\n";
  return 0;
}

// A TorchScript module (agents/torchscript_policy.h) as the policy: an external method.
int EvaluateTorchScript(const std::string& path, const EnvChoice& e,
                        const agents::ChunkExecutorConfig& executor,
                        const benchmarks::RolloutOptions& options) {
  const envs::EnvConfig config = ConfigFor(e, "--torchscript");
  const agents::TorchScriptInfo info = agents::ReadTorchScriptInfo(path);
  nlohmann::json report =
      Rollouts(config, agents::TorchScriptPolicyFactory(info, e.embodiment, executor), options);
  report["method"] = "torchscript";
  report["policy"] = path;
  report["replan_every"] = executor.replan_every;
  report["ensemble_decay"] = executor.temporal_ensemble ? executor.ensemble_decay : 0.0;
  std::cout << report.dump() << "\n";
  return 0;
}

}  // namespace

Command RegisterEval(CLI::App& app) {
  auto run_dir = std::make_shared<std::string>();
  auto o = std::make_shared<benchmarks::RolloutOptions>();
  auto replan_every = std::make_shared<int>(1);
  auto ensemble_decay = std::make_shared<double>(0.8);
  auto open_loop_data = std::make_shared<std::string>();
  auto open_loop = std::make_shared<agents::OpenLoopOptions>();
  auto torch_unet = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("eval", "Evaluate a trained run in simulation (JSON report)");
  auto env = std::make_shared<EnvChoice>();
  auto expert_style = std::make_shared<std::string>();
  auto torchscript = std::make_shared<std::string>();
  auto* run_option = sub->add_option("--run", *run_dir, "Run folder from immimic train");
  auto* expert_option =
      sub->add_option("--expert", *expert_style,
                      "Evaluate the scripted expert instead of a run: teleop or human pace")
          ->check(CLI::IsMember({"teleop", "human"}));
  auto* torchscript_option =
      sub->add_option("--torchscript", *torchscript,
                      "Evaluate a TorchScript policy instead of a run (docs/external_methods.md)");
  run_option->excludes(expert_option)->excludes(torchscript_option);
  expert_option->excludes(torchscript_option);
  sub->add_option("--task", env->task, "With --expert or --torchscript: the task");
  sub->add_option("--embodiment", env->embodiment,
                  "With --expert or --torchscript: the end-effector");
  sub->add_option("--width", env->width, "With --expert or --torchscript: image width")
      ->check(CLI::Range(8, 1920));
  sub->add_option("--height", env->height, "With --expert or --torchscript: image height")
      ->check(CLI::Range(8, 1080));
  sub->add_option("--episodes", o->episodes, "Episodes")->check(CLI::Range(1, 100000));
  sub->add_option("--seed", o->seed, "Evaluation seed (episode seeds derive from it)");
  sub->add_option("--threads", o->threads, "Rollout threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  sub->add_option("--max-steps", o->max_steps, "End episodes after this many steps (0: env limit)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--video", o->video_path, "Write the episodes' agentview video (mp4)");
  sub->add_option("--video-episodes", o->video_episodes, "Only the first N episodes in the video")
      ->check(CLI::Range(0, 100000));
  sub->add_option("--trace", o->trace_path,
                  "Write a CSV of every step: TCP position, commanded action, object position");
  sub->add_option("--replan-every", *replan_every,
                  "Predict a chunk every N steps (1: every step, as the paper; <= chunk length)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--ensemble-decay", *ensemble_decay,
                  "Temporal-ensemble weight decay^age (paper 0.8; 0: newest chunk only)")
      ->check(CLI::Range(0.0, 100.0));
  sub->add_flag("--torch-unet", *torch_unet,
                "Sample with the LibTorch U-Net instead of its faster copy (as evaluations before "
                "the copy; docs/policy.md)");
  sub->add_option("--open-loop", *open_loop_data,
                  "Instead of rollouts: compare predicted chunks with these robot demos' actions");
  sub->add_option("--demos", open_loop->max_demos, "Open loop: the first N demos (0: all)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--stride", open_loop->stride, "Open loop: check every N-th frame")
      ->check(CLI::Range(1, 1000000));
  auto randomization = std::make_shared<std::string>();
  sub->add_option("--randomization", *randomization,
                  "Domain randomisation: a name in configs/randomization/ or a .yaml file");
  return [run_dir, o, replan_every, ensemble_decay, open_loop_data, open_loop, torch_unet, env,
          expert_style, torchscript, randomization] {
    if (!randomization->empty()) {
      o->randomization =
          std::make_shared<const envs::Randomization>(envs::LoadRandomization(*randomization));
    }
    if (!expert_style->empty()) return EvaluateExpert(*expert_style, *env, *o);
    if (!torchscript->empty()) {
      return EvaluateTorchScript(*torchscript, *env,
                                 agents::WithExecution({}, *replan_every, *ensemble_decay), *o);
    }
    IMMIMIC_THROW_UNLESS(!run_dir->empty(), core::InputError,
                         "eval needs --run, --expert or --torchscript");
    const agents::TrainedRunInfo run = agents::ReadRunInfo(*run_dir);
    const agents::SamplerBackend sampler =
        *torch_unet ? agents::SamplerBackend::kTorch : agents::SamplerBackend::kEigen;
    if (!open_loop_data->empty()) {
      const agents::ChunkExecutorConfig run_executor = agents::DefaultExecutorConfig(run);
      open_loop->obs_horizon = run_executor.obs_horizon;
      open_loop->frame_stride = run_executor.frame_stride;
      open_loop->time_compression = run.robot_time_compression;
      nlohmann::json report = agents::ToJson(agents::EvaluateOpenLoop(
          agents::TrainedChunkPredictor(run, o->seed, sampler), *open_loop_data, *open_loop));
      report["run"] = *run_dir;
      std::cout << report.dump() << "\n";
      return 0;
    }
    const envs::EnvConfig config =
        datasets::EnvConfigFromEnvArgs(run.env_args, *run_dir + "/run.json");
    const agents::ChunkExecutorConfig executor =
        agents::WithExecution(agents::DefaultExecutorConfig(run), *replan_every, *ensemble_decay);
    nlohmann::json report =
        Rollouts(config, agents::TrainedPolicyFactory(run, executor, sampler), *o);
    report["run"] = *run_dir;
    report["method"] = run.method;
    report["replan_every"] = executor.replan_every;
    report["ensemble_decay"] = executor.temporal_ensemble ? executor.ensemble_decay : 0.0;
    report["unet"] = *torch_unet ? "torch" : "eigen";
    std::cout << report.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
