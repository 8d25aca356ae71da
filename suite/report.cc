#include "suite/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/sha256.h"
#include "core/strict_yaml.h"

namespace immimic::suite {
namespace fs = std::filesystem;
namespace {

constexpr double kSignificance = 0.05;

// One method on one cell: its evaluations over the training seeds.
struct Row {
  std::string task, embodiment, method;
  std::vector<nlohmann::json> seeds;                 // {seed, successes, episodes}
  std::map<std::pair<uint64_t, int>, bool> outcome;  // (seed, episode) -> success
  std::vector<double> sparc, ldlj;
  double eval_seconds = 0.0, train_seconds = 0.0;
  std::string video;  // the first evaluated seed's rollout video in the cache, if any
  int robot_demos = -1, human_videos = -1;  // a data sweep's point (-1: no sweep)
  std::string Sizes() const {
    return robot_demos < 0
               ? ""
               : "_r" + std::to_string(robot_demos) + "_h" + std::to_string(human_videos);
  }
};

// Rows compared in the report: the same cell and robot demos, and the same human videos or one
// of them at none (robot_only's point of a sweep).
bool Comparable(const Row& a, const Row& b) {
  return a.task == b.task && a.embodiment == b.embodiment && a.robot_demos == b.robot_demos &&
         (a.human_videos == b.human_videos || a.human_videos == 0 || b.human_videos == 0) &&
         a.method != "expert" && b.method != "expert";
}

double Mean(const std::vector<double>& v) {
  if (v.empty()) return std::nan("");
  double sum = 0;
  for (double x : v) sum += x;
  return sum / v.size();
}

nlohmann::json NumberOrNull(double x) { return std::isfinite(x) ? nlohmann::json(x) : nullptr; }

// The paper's published success rates (configs/paper/table1.yaml), "task/embodiment/method".
std::map<std::string, double> PublishedSuccess() {
  const core::YamlNode root = core::YamlNode::LoadFile(core::ConfigPath("paper/table1.yaml"));
  std::map<std::string, double> rates;
  for (const std::string& task : root.Keys()) {
    const core::YamlNode cells = root.Child(task);
    for (const std::string& embodiment : cells.Keys()) {
      const core::YamlNode methods = cells.Child(embodiment);
      for (const std::string& method : methods.Keys()) {
        rates[task + "/" + embodiment + "/" + method] = methods.Get<double>(method);
      }
    }
  }
  return rates;
}

// A stage's JSON output, read by `read`; text that is not JSON, or a key missing or of another
// type, is an InputError naming the file (the reports read folders a user hands them).
template <typename Read>
auto ReadStageJson(const std::string& path, Read read) {
  try {
    return read(nlohmann::json::parse(core::ReadFile(path)));
  } catch (const nlohmann::json::exception& error) {
    throw core::InputError(path + ": " + error.what());
  }
}

double StageSeconds(const std::string& dir) {
  return ReadStageJson(dir + "/done.json",
                       [](const nlohmann::json& done) { return done.value("seconds", 0.0); });
}

// Far above any suite's; keeps the sums over seeds within an int.
constexpr int kMaxEpisodes = 1000000;

void AddEvaluation(const Stage& stage, const std::string& dir, Row* row, double train_seconds) {
  const std::string path = dir + "/eval.json";
  ReadStageJson(path, [&](const nlohmann::json& eval) {
    const int successes = eval.at("successes").get<int>(),
              episodes = eval.at("episodes").get<int>();
    IMMIMIC_THROW_UNLESS(
        episodes >= 0 && episodes <= kMaxEpisodes && successes >= 0 && successes <= episodes,
        core::InputError, path, ": ", successes, " successes in ", episodes, " episodes");
    row->seeds.push_back({{"seed", stage.seed}, {"successes", successes}, {"episodes", episodes}});
    for (const auto& episode : eval.at("per_episode")) {
      row->outcome[{stage.seed, episode.at("index").get<int>()}] =
          episode.at("success").get<bool>();
      if (!episode.at("sparc").is_null()) row->sparc.push_back(episode.at("sparc").get<double>());
      if (!episode.at("ldlj").is_null()) row->ldlj.push_back(episode.at("ldlj").get<double>());
    }
    return 0;
  });
  row->eval_seconds += StageSeconds(dir);
  row->train_seconds += train_seconds;
  std::error_code unreadable;  // a path too long to look up has no video
  if (row->video.empty() && std::filesystem::exists(dir + "/rollout.mp4", unreadable)) {
    row->video = dir + "/rollout.mp4";
  }
}

nlohmann::json Comparison(const Row& a, const Row& b) {
  int a_only = 0, b_only = 0, pairs = 0;
  for (const auto& [key, a_success] : a.outcome) {
    const auto found = b.outcome.find(key);
    if (found == b.outcome.end()) continue;
    ++pairs;
    a_only += a_success && !found->second;
    b_only += !a_success && found->second;
  }
  const double p = McNemarExactP(a_only, b_only);
  std::string verdict = "cannot tell";
  if (p < kSignificance) verdict = (a_only > b_only ? a.method : b.method) + " better";
  nlohmann::json comparison = {
      {"task", a.task},    {"embodiment", a.embodiment}, {"a", a.method},    {"b", b.method},
      {"pairs", pairs},    {"a_only", a_only},           {"b_only", b_only}, {"p_value", p},
      {"verdict", verdict}};
  if (a.robot_demos >= 0) {
    comparison["robot_demos"] = a.robot_demos;
    comparison["a_human_videos"] = a.human_videos;
    comparison["b_human_videos"] = b.human_videos;
  }
  return comparison;
}

}  // namespace

double McNemarExactP(int a_only, int b_only) {
  const int n = a_only + b_only, k = std::min(a_only, b_only);
  if (n == 0) return 1.0;
  // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space
  double tail = 0.0;
  for (int i = 0; i <= k; ++i) {
    tail += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) -
                     n * std::log(2.0));
  }
  return std::min(1.0, 2.0 * tail);
}

std::pair<double, double> WilsonInterval(int k, int n) {
  if (n == 0) return {0.0, 1.0};
  const double z = 1.959964, p = static_cast<double>(k) / n, d = 1 + z * z / n;
  const double centre = (p + z * z / (2.0 * n)) / d;
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

nlohmann::json CollectResults(const SuiteSpec& spec, const StageGraph& graph,
                              const std::string& cache) {
  const std::vector<StageState> states = ReadStates(cache, graph);
  std::map<std::string, Row> rows;  // "task/embodiment/method"
  std::vector<std::string> order;
  std::map<std::string, double> action_distance;  // "task/embodiment"
  nlohmann::json missing = nlohmann::json::array();
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage& stage = graph.stages[i];
    const bool evaluation = stage.kind == "eval" || stage.kind == "expert_eval";
    if (states[i] != StageState::kDone) {
      if (evaluation) missing.push_back({{"stage", stage.label}, {"state", StateName(states[i])}});
      continue;
    }
    const std::string dir = StageDir(cache, stage);
    if (stage.kind == "map" && stage.label.size() > 7 &&
        stage.label.compare(stage.label.size() - 7, 7, " action") == 0) {
      const std::string cell = stage.label.substr(4, stage.label.size() - 11);
      action_distance[cell] =
          ReadStageJson(dir + "/summary.json", [](const nlohmann::json& summary) {
            return summary.value("action_distance", std::nan(""));
          });
    }
    if (!evaluation) continue;
    const std::string name = stage.task + "/" + stage.embodiment + "/" + stage.method + "/" +
                             std::to_string(stage.robot_demos) + "/" +
                             std::to_string(stage.human_videos);
    if (!rows.count(name)) order.push_back(name);
    Row& row = rows[name];
    row.task = stage.task, row.embodiment = stage.embodiment, row.method = stage.method;
    row.robot_demos = stage.robot_demos, row.human_videos = stage.human_videos;
    const double train_seconds =
        stage.deps.empty() ? 0.0 : StageSeconds(StageDir(cache, graph.stages[stage.deps[0]]));
    AddEvaluation(stage, dir, &row, train_seconds);
  }
  const std::map<std::string, double> published = PublishedSuccess();
  nlohmann::json cells = nlohmann::json::array(), timing = nlohmann::json::array();
  nlohmann::json comparisons = nlohmann::json::array(), videos = nlohmann::json::array();
  for (size_t i = 0; i < order.size(); ++i) {
    const Row& row = rows.at(order[i]);
    int k = 0, n = 0;
    for (const auto& s : row.seeds) {
      k += s.at("successes").get<int>();
      n += s.at("episodes").get<int>();
    }
    const auto [low, high] = WilsonInterval(k, n);
    const std::string cell = row.task + "/" + row.embodiment;
    cells.push_back(
        {{"task", row.task},
         {"embodiment", row.embodiment},
         {"method", row.method},
         {"seeds", row.seeds},
         {"successes", k},
         {"episodes", n},
         {"success_rate", n ? static_cast<double>(k) / n : 0.0},
         {"interval_95", {low, high}},
         {"sparc_mean", NumberOrNull(Mean(row.sparc))},
         {"ldlj_mean", NumberOrNull(Mean(row.ldlj))},
         {"action_distance",
          NumberOrNull(action_distance.count(cell) ? action_distance.at(cell) : std::nan(""))},
         {"paper_success_rate", NumberOrNull(published.count(cell + "/" + row.method)
                                                 ? published.at(cell + "/" + row.method)
                                                 : std::nan(""))}});
    if (row.robot_demos >= 0) {
      cells.back()["robot_demos"] = row.robot_demos;
      cells.back()["human_videos"] = row.human_videos;
    }
    if (!row.video.empty()) {
      const std::string file =
          "videos/" + row.task + "_" + row.embodiment + "_" + row.method + row.Sizes() + ".mp4";
      cells.back()["video"] = file;
      videos.push_back({{"file", file}, {"source", row.video}});
    }
    timing.push_back({{"task", row.task},
                      {"embodiment", row.embodiment},
                      {"method", row.method},
                      {"train_seconds", row.train_seconds},
                      {"eval_seconds", row.eval_seconds}});
    for (size_t j = i + 1; j < order.size(); ++j) {
      const Row& b = rows.at(order[j]);
      if (Comparable(row, b)) comparisons.push_back(Comparison(row, b));
    }
  }
  const std::string spec_json = SuiteSpecJson(spec);
  return {{"suite", spec.name},
          {"suite_hash", core::Sha256Hex(spec_json)},
          {"spec", nlohmann::json::parse(spec_json)},
          {"version", core::SoftwareVersion()},
          {"stages",
           {{"total", graph.stages.size()},
            {"done", std::count(states.begin(), states.end(), StageState::kDone)}}},
          {"cells", cells},
          {"comparisons", comparisons},
          {"missing", missing},
          {"videos", videos},
          {"timing", timing}};
}

}  // namespace immimic::suite
