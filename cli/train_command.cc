// immimic train: trains a Diffusion Policy with one method into a run folder.

#include <iostream>
#include <nlohmann/json.hpp>

#include "agents/method.h"
#include "agents/trainer.h"
#include "cli/commands.h"

namespace immimic::cli {

Command RegisterTrain(CLI::App& app) {
  auto o = std::make_shared<agents::TrainOptions>();
  auto* sub =
      app.add_subcommand("train", "Train a policy with a method (robot_only, immimic_a, ...)");
  std::string methods;
  for (const auto& m : agents::MethodNames()) methods += (methods.empty() ? "" : "|") + m;
  sub->add_option("--method", o->method, methods)->required();
  sub->add_option("--task", o->task, "Task the data must be of (checked against the datasets)");
  sub->add_option("--embodiment", o->embodiment, "End-effector the robot demos must be of");
  sub->add_option("--robot", o->robot_path, "Robot demos (HDF5 from immimic demos)")->required();
  sub->add_option("--human", o->human_path, "Retargeted human videos (immimic retarget)");
  sub->add_option("--map", o->map_path, "Alignment (immimic map) for immimic_a / immimic_v");
  sub->add_option("--out", o->out_dir, "Run folder to create")->required();
  sub->add_option("--config", o->config_path,
                  "Training config (default configs/train/default.yaml)");
  sub->add_option("--method-config", o->method_config,
                  "Method YAML (default configs/methods/<method>.yaml)");
  sub->add_option("--seed", o->seed, "Run seed (weights, batches, noise)");
  sub->add_option("--epochs", o->epochs, "Override the config's epochs")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--robot-demos", o->robot_demos, "Use only the first N robot demos")
      ->check(CLI::Range(1, 100000));
  sub->add_flag("--resume", o->resume, "Continue an interrupted run (<out>.partial)");
  return [o] {
    const agents::TrainSummary s = agents::Train(*o, [](const agents::TrainProgress& p) {
      std::cerr << "\rtrain: epoch " << p.epoch << "/" << p.epochs << "  loss " << p.loss << "  "
                << static_cast<int>(p.seconds) << " s elapsed, ~" << static_cast<int>(p.eta_seconds)
                << " s left   " << std::flush;
    });
    std::cerr << "\n";
    nlohmann::json summary = {{"run", s.run_dir},
                              {"method", s.method},
                              {"epochs", s.epochs},
                              {"steps", s.steps},
                              {"final_loss", s.final_loss},
                              {"parameters", s.parameters},
                              {"samples_per_second", s.samples_per_second},
                              {"seconds", s.seconds}};
    std::cout << summary.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
