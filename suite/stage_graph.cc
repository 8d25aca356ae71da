#include "suite/stage_graph.h"

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "agents/method.h"
#include "core/atomic_file.h"
#include "core/paths.h"
#include "core/sha256.h"
#include "core/strict_yaml.h"

namespace immimic::suite {
namespace {

// The text of a config file the stage reads, so that editing it changes the key.
std::string ConfigText(const std::string& relative) {
  return core::ReadFile(core::ConfigPath(relative));
}

// The training config and the policy config it names.
std::string TrainConfigTexts(const std::string& config) {
  const std::string path = TrainConfigPath(config);
  std::string text = core::ReadFile(path);
  const core::YamlNode yaml = core::YamlNode::LoadFile(path);
  const std::string policy = yaml.GetOr<std::string>("policy", "default");
  const bool is_path = policy.size() > 5 && policy.compare(policy.size() - 5, 5, ".yaml") == 0;
  return text + "\n---\n" +
         (is_path ? core::ReadFile(policy) : ConfigText("policy/" + policy + ".yaml"));
}

// A task x end-effector cell at one point of a data sweep (sizes -1 when the suite has none).
struct Cell {
  std::string task, embodiment;
  int robot_demos = -1, human_videos = -1;
  std::string Name() const { return task + "/" + embodiment; }
  std::string Sizes() const {
    return robot_demos < 0
               ? ""
               : " r" + std::to_string(robot_demos) + " h" + std::to_string(human_videos);
  }
};

class GraphBuilder {
 public:
  explicit GraphBuilder(const SuiteSpec& spec) : spec_(spec) {}

  // Adds a stage once: stages with equal keys are one stage.
  int Add(Stage stage, const nlohmann::json& settings) {
    nlohmann::json identity = settings;
    identity["kind"] = stage.kind;
    identity["version"] = core::SoftwareVersion();
    for (int dep : stage.deps) identity["deps"].push_back(graph_.stages[dep].key);
    stage.key = core::Sha256Hex(identity.dump());
    const auto found = index_.find(stage.key);
    if (found != index_.end()) return found->second;
    graph_.stages.push_back(std::move(stage));
    return index_[graph_.stages.back().key] = static_cast<int>(graph_.stages.size()) - 1;
  }

  std::vector<std::string> Threads() const {
    return {"--threads", std::to_string(spec_.threads_per_job)};
  }
  std::vector<std::string> ImageSize() const {
    const std::string size = std::to_string(spec_.data.image_size);
    return {"--width", size, "--height", size};
  }

  int Demos(const std::string& task, const std::string& embodiment, int episodes, uint64_t seed,
            const std::string& kind, const std::string& style) {
    Stage s;
    s.kind = kind;
    s.label = kind + " " + task + "/" + embodiment + " x" + std::to_string(episodes);
    s.args = {"demos",
              "--task",
              task,
              "--embodiment",
              embodiment,
              "--episodes",
              std::to_string(episodes),
              "--seed",
              std::to_string(seed),
              "--out",
              "{dir}/data.hdf5"};
    if (!style.empty()) s.args.insert(s.args.end(), {"--style", style});
    for (const auto& a : ImageSize()) s.args.push_back(a);
    for (const auto& a : Threads()) s.args.push_back(a);
    s.output = "data.hdf5";
    s.stdout_file = "summary.json";
    const nlohmann::json settings = {
        {"task", task},
        {"embodiment", embodiment},
        {"episodes", episodes},
        {"seed", seed},
        {"style", style},
        {"image_size", spec_.data.image_size},
        {"configs", Hash(ConfigText("tasks/" + task + ".yaml") +
                         ConfigText("embodiments/" + embodiment + ".yaml"))}};
    return Add(std::move(s), settings);
  }

  int Retarget(int human, const std::string& task, const std::string& embodiment) {
    Stage s;
    s.kind = "retarget";
    s.label = "retarget " + task + "/" + embodiment;
    s.deps = {human};
    s.args = {"retarget", "--human", "{dep:0}/data.hdf5", "--embodiment",
              embodiment, "--out",   "{dir}/data.hdf5"};
    s.output = "data.hdf5";
    s.stdout_file = "summary.json";
    return Add(std::move(s), {{"embodiment", embodiment},
                              {"configs", Hash(ConfigText("retarget/" + embodiment + ".yaml"))}});
  }

  int Map(int retargeted, int robot, const std::string& mode, const std::string& cell) {
    Stage s;
    s.kind = "map";
    s.label = "map " + cell + " " + mode;
    s.deps = {retargeted, robot};
    s.args = {"map", "--human", "{dep:0}/data.hdf5", "--robot", "{dep:1}/data.hdf5", "--mode",
              mode,  "--out",   "{dir}/map.json"};
    s.output = "map.json";
    s.stdout_file = "summary.json";
    return Add(std::move(s), {{"mode", mode}});
  }

  // A built-in method's training run on `cell` and its evaluation, reported as `row` (default:
  // the method's name; the oracle and method variants have their own), with `method_config`
  // instead of configs/methods/<method>.yaml when given.
  void TrainAndEval(const std::string& method, uint64_t seed, int robot, int retargeted,
                    const Cell& cell, const std::string& row = "",
                    const std::string& method_config = "") {
    const std::string name = row.empty() ? method : row;
    const SuiteSpec& s = spec_;
    const std::string mode = agents::MakeMethod(method)->alignment_mode();
    Stage t;
    t.kind = "train";
    t.label = "train " + cell.Name() + "/" + name + "/s" + std::to_string(seed) + cell.Sizes();
    // every method reads the human videos: robot_only takes only their pace from them
    t.deps = {robot, retargeted};
    t.args = {"train",
              "--method",
              method,
              "--robot",
              "{dep:0}/data.hdf5",
              "--human",
              "{dep:1}/data.hdf5",
              "--config",
              TrainConfigPath(s.train.config),
              "--seed",
              std::to_string(seed),
              "--task",
              cell.task,
              "--embodiment",
              cell.embodiment,
              "--out",
              "{dir}/run"};
    if (!mode.empty()) {
      t.deps.push_back(Map(retargeted, robot, mode, cell.Name()));
      t.args.insert(t.args.end(), {"--map", "{dep:2}/map.json"});
    }
    if (s.train.epochs > 0) {
      t.args.insert(t.args.end(), {"--epochs", std::to_string(s.train.epochs)});
    }
    if (!method_config.empty()) t.args.insert(t.args.end(), {"--method-config", method_config});
    t.output = "run";
    t.stdout_file = "summary.json";
    const int train = Add(
        std::move(t),
        {{"method", method},
         {"seed", seed},
         {"epochs", s.train.epochs},
         {"train_configs", Hash(TrainConfigTexts(s.train.config))},
         {"method_config", Hash(method_config.empty() ? ConfigText("methods/" + method + ".yaml")
                                                      : core::ReadFile(method_config))}});
    Eval(train, {"--run", "{dep:0}/run"}, cell, name, seed);
  }

  // robot_only on the human-style expert's robot demos (suite_spec.h, OracleSpec); the largest
  // human file gives only the pace, as for robot_only.
  void Oracle(const std::string& task, const std::string& embodiment, int retargeted) {
    const OracleSpec& o = spec_.oracle;
    const int demos = Demos(task, embodiment, o.demos, o.seed, "robot_demos", "human");
    for (uint64_t seed : spec_.seeds) {
      TrainAndEval("robot_only", seed, demos, retargeted, Cell{task, embodiment}, "oracle");
    }
  }

  // The scripted expert at the human's pace on the cell's evaluation episodes: the ceiling row.
  void ExpertEval(const std::string& task, const std::string& embodiment) {
    const SuiteSpec& s = spec_;
    Stage e;
    e.kind = "expert_eval";
    e.label = "eval " + task + "/" + embodiment + "/expert";
    e.task = task, e.embodiment = embodiment, e.method = "expert";
    e.args = EvalArgs({"eval", "--expert", "human", "--task", task, "--embodiment", embodiment,
                       "--width", std::to_string(s.data.image_size), "--height",
                       std::to_string(s.data.image_size)});
    e.stdout_file = "eval.json";
    e.output = "eval.json";
    nlohmann::json settings = EvalSettings();
    settings.update(
        {{"task", task}, {"embodiment", embodiment}, {"image_size", s.data.image_size}});
    Add(std::move(e), settings);
  }

  std::string Hash(const std::string& text) const { return core::Sha256Hex(text); }

  // What decides an evaluation's figures besides the policy.
  nlohmann::json EvalSettings() const {
    return {
        {"episodes", spec_.eval.episodes},         {"seed", spec_.eval.seed},
        {"replan_every", spec_.eval.replan_every}, {"ensemble_decay", spec_.eval.ensemble_decay},
        {"max_steps", spec_.eval.max_steps},       {"video_episodes", 1}};
  }
  // The evaluation flags every policy shares, and the video of its first episode.
  std::vector<std::string> EvalArgs(std::vector<std::string> args) const {
    const EvalSpec& e = spec_.eval;
    for (const std::string& a :
         {std::string("--episodes"), std::to_string(e.episodes), std::string("--seed"),
          std::to_string(e.seed), std::string("--max-steps"), std::to_string(e.max_steps),
          std::string("--threads"), std::to_string(spec_.threads_per_job), std::string("--video"),
          std::string("{dir}/rollout.mp4"), std::string("--video-episodes"), std::string("1")}) {
      args.push_back(a);
    }
    return args;
  }

  // Rolls out the policy of stage `policy` (`source`: the eval flags that name it).
  void Eval(int policy, const std::vector<std::string>& source, const Cell& cell,
            const std::string& method, uint64_t seed) {
    Stage e;
    e.kind = "eval";
    e.label = "eval " + cell.Name() + "/" + method + "/s" + std::to_string(seed) + cell.Sizes();
    e.deps = {policy};
    e.task = cell.task, e.embodiment = cell.embodiment, e.method = method, e.seed = seed;
    e.robot_demos = cell.robot_demos, e.human_videos = cell.human_videos;
    std::vector<std::string> args = {"eval"};
    args.insert(args.end(), source.begin(), source.end());
    args.insert(args.end(), {"--replan-every", std::to_string(spec_.eval.replan_every),
                             "--ensemble-decay", std::to_string(spec_.eval.ensemble_decay)});
    e.args = EvalArgs(args);
    e.stdout_file = "eval.json";
    e.output = "eval.json";
    nlohmann::json settings = EvalSettings();
    if (source.front() == "--torchscript") {  // the cell is not in the policy's folder
      settings.update({{"task", cell.task},
                       {"embodiment", cell.embodiment},
                       {"image_size", spec_.data.image_size}});
    }
    Add(std::move(e), settings);
  }

  // An external method's training command (suite/external_method.h) for one cell and seed.
  int ExternalTrain(const ExternalMethod& method, uint64_t seed, int robot, int retargeted,
                    const Cell& cell) {
    Stage t;
    t.kind = "external_train";
    t.label =
        "train " + cell.Name() + "/" + method.name + "/s" + std::to_string(seed) + cell.Sizes();
    t.deps = {robot, retargeted};
    if (!method.alignment.empty()) {
      t.deps.push_back(Map(retargeted, robot, method.alignment, cell.Name()));
    }
    t.args = ExternalTrainArgs(method, seed, cell.task, cell.embodiment, spec_.threads_per_job);
    t.program = t.args.front();
    t.args.erase(t.args.begin());
    t.output = "policy.pt";
    t.stdout_file = "stdout.txt";
    return Add(std::move(t), {{"method", method.name},
                              {"seed", seed},
                              {"threads", spec_.threads_per_job},
                              {"digest", ExternalMethodDigest(method)}});
  }

  StageGraph Build();

 private:
  const SuiteSpec& spec_;
  StageGraph graph_;
  std::map<std::string, int> index_;
};

StageGraph GraphBuilder::Build() {
  const SuiteSpec& s = spec_;
  const std::vector<int> robot_counts = s.data.robot_demo_sweep.empty()
                                            ? std::vector<int>{s.data.robot_demos}
                                            : s.data.robot_demo_sweep;
  std::vector<int> human_counts;  // the human-data methods' points (0 is robot_only's)
  for (int h : s.data.human_video_sweep.empty() ? std::vector<int>{s.data.human_videos}
                                                : s.data.human_video_sweep) {
    if (h > 0) human_counts.push_back(h);
  }
  for (const std::string& task : s.tasks) {
    std::map<int, int> human;  // count -> stage
    for (int h : human_counts) {
      human[h] = Demos(task, "human", h, s.data.human_seed, "human_videos", "");
    }
    for (const std::string& embodiment : s.embodiments) {
      if (s.expert_row) ExpertEval(task, embodiment);
      std::map<int, int> retargeted;
      for (int h : human_counts) retargeted[h] = Retarget(human.at(h), task, embodiment);
      if (s.oracle.demos > 0) Oracle(task, embodiment, retargeted.rbegin()->second);
      for (int r : robot_counts) {
        const int robot = Demos(task, embodiment, r, s.data.robot_seed, "robot_demos", "");
        for (const std::string& method : s.methods) {
          if (s.data.sweeps() && !agents::MakeMethod(method)->uses_human()) {
            // one point at 0 human videos; the largest human file gives only the pace
            Cell cell{task, embodiment, r, 0};
            for (uint64_t seed : s.seeds) {
              TrainAndEval(method, seed, robot, retargeted.rbegin()->second, cell);
            }
            continue;
          }
          for (int h : human_counts) {
            Cell cell{task, embodiment, s.data.sweeps() ? r : -1, s.data.sweeps() ? h : -1};
            for (uint64_t seed : s.seeds) TrainAndEval(method, seed, robot, retargeted.at(h), cell);
          }
        }
        for (const MethodVariant& v : s.method_variants) {
          for (int h : human_counts) {
            Cell cell{task, embodiment, s.data.sweeps() ? r : -1, s.data.sweeps() ? h : -1};
            for (uint64_t seed : s.seeds) {
              TrainAndEval(v.method, seed, robot, retargeted.at(h), cell, v.name, v.config);
            }
          }
        }
        for (const ExternalMethod& method : s.external_methods) {
          for (int h : human_counts) {
            Cell cell{task, embodiment, s.data.sweeps() ? r : -1, s.data.sweeps() ? h : -1};
            for (uint64_t seed : s.seeds) {
              const int train = ExternalTrain(method, seed, robot, retargeted.at(h), cell);
              Eval(train,
                   {"--torchscript", "{dep:0}/policy.pt", "--task", task, "--embodiment",
                    embodiment, "--width", std::to_string(s.data.image_size), "--height",
                    std::to_string(s.data.image_size)},
                   cell, method.name, seed);
            }
          }
        }
      }
    }
  }
  return graph_;
}

}  // namespace

StageGraph BuildStageGraph(const SuiteSpec& spec) { return GraphBuilder(spec).Build(); }

std::string StageDir(const std::string& cache, const Stage& stage) {
  return (std::filesystem::path(cache) / stage.kind / stage.key).string();
}

std::vector<std::string> ResolvedArgs(const std::string& cache, const StageGraph& graph,
                                      const Stage& stage) {
  std::vector<std::string> args;
  for (std::string arg : stage.args) {
    const size_t dir = arg.find("{dir}");
    if (dir != std::string::npos) arg.replace(dir, 5, StageDir(cache, stage));
    const size_t dep = arg.find("{dep:");
    if (dep != std::string::npos) {
      const size_t end = arg.find('}', dep);
      const int n = std::stoi(arg.substr(dep + 5, end - dep - 5));
      arg.replace(dep, end - dep + 1, StageDir(cache, graph.stages[stage.deps[n]]));
    }
    args.push_back(arg);
  }
  return args;
}

}  // namespace immimic::suite
