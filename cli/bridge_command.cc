// immimic bridge: runs a validated bundle on a rig (docs/sim2real.md). The bundle is checked
// first (sums, format, embodiment against the hardware config); the policy then runs in the
// fixed-rate loop of sim2real/bridge.h with the executor settings it was validated with, on the
// rig the config's backend names (sim2real/bridge_rig.h: MuJoCo, or real devices).

#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "agents/trained_policy.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "datasets/demo_replay.h"
#include "sim2real/bridge.h"
#include "sim2real/bridge_rig.h"
#include "sim2real/bundle.h"
#include "sim2real/hardware_config.h"

namespace immimic::cli {
namespace {

struct BridgeCommandOptions {
  std::string bundle, hardware, log;
  sim2real::BridgeOptions loop;
};

std::string DefaultLogPath(const std::string& hardware) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  std::filesystem::create_directories("bridge_logs");
  return "bridge_logs/" + hardware + "_" + stamp + ".h5";
}

agents::ChunkExecutorConfig ValidatedExecutor(const agents::TrainedRunInfo& run,
                                              const sim2real::LoadedBundle& bundle) {
  const nlohmann::json validation =
      nlohmann::json::parse(core::ReadFile(bundle.Path("validation.json")));
  return agents::WithExecution(agents::DefaultExecutorConfig(run),
                               validation.at("replan_every").get<int>(),
                               validation.at("ensemble_decay").get<double>());
}

nlohmann::json ToJson(const sim2real::BridgeReport& r, const std::string& log) {
  return {{"steps", r.steps},
          {"sent", r.sent},
          {"clamped_steps", r.clamped_steps},
          {"held_steps", r.held_steps},
          {"missed_deadlines", r.missed_deadlines},
          {"stop_reason", r.stop_reason},
          {"clean_end", r.clean_end},
          {"period_s", {{"p50", r.period_p50}, {"p99", r.period_p99}}},
          {"policy_latency_s", {{"p50", r.latency_p50}, {"p99", r.latency_p99}}},
          {"log", log}};
}

int RunBridge(BridgeCommandOptions o) {
  const sim2real::HardwareConfig hardware = sim2real::LoadHardwareConfig(o.hardware);
  const sim2real::LoadedBundle bundle = sim2real::LoadBundle(o.bundle, hardware.embodiment);
  const agents::TrainedRunInfo run = agents::ReadRunInfo(bundle.Path("run"));
  const agents::PolicyFactory factory =
      agents::TrainedPolicyFactory(run, ValidatedExecutor(run, bundle));
  std::unique_ptr<agents::Policy> policy = factory();
  envs::EnvConfig config =
      datasets::EnvConfigFromEnvArgs(run.env_args, bundle.Path("run/run.json"));
  config.control_hz = hardware.control_hz;
  const std::unique_ptr<sim2real::BridgeRig> rig = sim2real::MakeBridgeRig(hardware, config);
  sim2real::FileAndSignalStop stop(hardware.estop_file);
  sim2real::FileAndSignalStop::InstallSignalHandlers();
  o.loop.log_path = o.log.empty() ? DefaultLogPath(hardware.name) : o.log;
  sim2real::Bridge bridge(hardware, rig->devices(), rig->cameras(), stop, *policy);
  const sim2real::BridgeReport report = bridge.Run(o.loop);
  nlohmann::json out = ToJson(report, o.loop.log_path);
  if (const std::optional<bool> solved = rig->TaskSolved()) out["task_solved"] = *solved;
  std::cout << out.dump() << "\n";
  if (report.clean_end) return 0;
  std::cerr << "bridge stopped: " << report.stop_reason << " (log: " << o.loop.log_path << ")\n";
  return 1;
}

}  // namespace

Command RegisterBridge(CLI::App& app) {
  auto o = std::make_shared<BridgeCommandOptions>();
  auto* sub = app.add_subcommand("bridge", "Run a validated bundle on a rig (or its simulation)");
  sub->add_option("--bundle", o->bundle, "Bundle folder from immimic export")->required();
  sub->add_option("--hardware", o->hardware,
                  "A name in configs/hardware/ (sim_robotiq, ...) or a .yaml file")
      ->required();
  sub->add_flag("--dry-run", o->loop.dry_run, "Compute and filter commands, send none");
  sub->add_option("--duration", o->loop.duration, "Seconds to run")
      ->check(CLI::Range(0.1, 86400.0));
  sub->add_option("--seed", o->loop.seed, "The policy's sampling seed");
  sub->add_option("--log", o->log, "HDF5 log (default bridge_logs/<hardware>_<UTC time>.h5)");
  return [o] { return RunBridge(*o); };
}

}  // namespace immimic::cli
