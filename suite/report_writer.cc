// WriteReports (suite/report.h): results.json, results.csv and report.md from the results.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/atomic_file.h"
#include "suite/report.h"

namespace immimic::suite {
namespace {

std::string Fixed(double x, int digits = 2) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, x);
  return buffer;
}

std::string Csv(const nlohmann::json& results) {
  std::ostringstream csv;
  csv << "task,embodiment,method,successes,episodes,success_rate,low_95,high_95,sparc_mean,"
         "ldlj_mean,action_distance,robot_demos,human_videos\n";
  auto number = [](const nlohmann::json& x) {
    return x.is_null() ? std::string() : Fixed(x.get<double>(), 4);
  };
  for (const auto& c : results.at("cells")) {
    csv << c.at("task").get<std::string>() << "," << c.at("embodiment").get<std::string>() << ","
        << c.at("method").get<std::string>() << "," << c.at("successes") << "," << c.at("episodes")
        << "," << Fixed(c.at("success_rate").get<double>(), 4) << ","
        << Fixed(c.at("interval_95")[0].get<double>(), 4) << ","
        << Fixed(c.at("interval_95")[1].get<double>(), 4) << "," << number(c.at("sparc_mean"))
        << "," << number(c.at("ldlj_mean")) << "," << number(c.at("action_distance")) << ","
        << (c.contains("robot_demos") ? std::to_string(c.at("robot_demos").get<int>()) : "") << ","
        << (c.contains("human_videos") ? std::to_string(c.at("human_videos").get<int>()) : "")
        << "\n";
  }
  return csv.str();
}

// "task x embodiment", and the data sweep's point where there is one.
std::string CellLabel(const nlohmann::json& c) {
  std::string label =
      c.at("task").get<std::string>() + " x " + c.at("embodiment").get<std::string>();
  if (c.contains("robot_demos")) {
    label += ", " + std::to_string(c.at("robot_demos").get<int>()) + " robot + " +
             std::to_string(c.at("human_videos").get<int>()) + " human";
  }
  return label;
}

// A compared method, with its human videos in a sweep.
std::string ComparedMethod(const nlohmann::json& c, const std::string& side) {
  const std::string method = c.at(side);
  if (!c.contains("robot_demos")) return method;
  return method + " (" + std::to_string(c.at(side + "_human_videos").get<int>()) + " human)";
}

std::string Markdown(const nlohmann::json& results, const std::string& out_dir) {
  // every cell and method the suite names, so that a missing result shows as missing
  std::vector<std::string> cells, methods;
  const auto& spec = results.at("spec");
  const bool sweep = spec.at("data").contains("robot_demo_sweep");
  for (const auto& task : spec.at("tasks")) {
    for (const auto& embodiment : spec.at("embodiments")) {
      if (!sweep) cells.push_back(task.get<std::string>() + " x " + embodiment.get<std::string>());
    }
  }
  if (spec.at("expert_row").get<bool>()) methods.push_back("expert");
  for (const auto& method : spec.at("methods")) methods.push_back(method);
  std::map<std::pair<std::string, std::string>, std::string> entry, published;
  for (const auto& c : results.at("cells")) {
    const std::string cell = CellLabel(c);
    const std::string method = c.at("method");
    if (std::find(cells.begin(), cells.end(), cell) == cells.end()) cells.push_back(cell);
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) {
      methods.push_back(method);
    }
    entry[{method, cell}] = Fixed(c.at("success_rate").get<double>()) + " [" +
                            Fixed(c.at("interval_95")[0].get<double>()) + "-" +
                            Fixed(c.at("interval_95")[1].get<double>()) + "] (" +
                            std::to_string(c.at("successes").get<int>()) + "/" +
                            std::to_string(c.at("episodes").get<int>()) + ")";
    if (c.contains("paper_success_rate") && !c.at("paper_success_rate").is_null()) {
      published[{method, cell}] = Fixed(c.at("paper_success_rate").get<double>(), 1);
    }
  }
  std::ostringstream md;
  md << "# Suite `" << results.at("suite").get<std::string>() << "`\n\n"
     << "Software " << results.at("version").get<std::string>() << ", suite hash `"
     << results.at("suite_hash").get<std::string>().substr(0, 16) << "`, stages done "
     << results.at("stages").at("done") << "/" << results.at("stages").at("total") << ".\n\n"
     << "Success rate [95 % Wilson interval] (successes/episodes, over the training seeds):\n\n"
     << "| method |";
  for (const auto& cell : cells) md << " " << cell << " |";
  md << "\n|---|";
  for (size_t i = 0; i < cells.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& method : methods) {
    md << "| " << method << " |";
    for (const auto& cell : cells) {
      const auto found = entry.find({method, cell});
      md << " " << (found == entry.end() ? "missing" : found->second) << " |";
    }
    md << "\n";
  }
  if (!published.empty()) {
    md << "\nThe paper's published success rates for the same cells (real robot, 10 rollouts "
          "each; configs/paper/table1.yaml):\n\n| method |";
    for (const auto& cell : cells) md << " " << cell << " |";
    md << "\n|---|";
    for (size_t i = 0; i < cells.size(); ++i) md << "---|";
    md << "\n";
    for (const auto& method : methods) {
      if (method == "expert") continue;
      md << "| " << method << " |";
      for (const auto& cell : cells) {
        const auto found = published.find({method, cell});
        md << " " << (found == published.end() ? "-" : found->second) << " |";
      }
      md << "\n";
    }
  }
  for (const char* plot : {"success", "scaling"}) {  // drawn by scripts/plot_suite, if it ran
    const std::string file = std::string("plots/") + plot + ".png";
    if (std::filesystem::exists(out_dir + "/" + file))
      md << "\n![" << plot << "](" << file << ")\n";
  }
  bool any_video = false;
  for (const auto& c : results.at("cells")) any_video = any_video || c.contains("video");
  if (any_video) {
    md << "\nRollout videos (the first training seed's first evaluation episode):\n\n";
    for (const auto& c : results.at("cells")) {
      if (!c.contains("video")) continue;
      const std::string file = c.at("video");
      md << "- " << CellLabel(c) << ", " << c.at("method").get<std::string>() << ": [" << file
         << "](" << file << ")\n";
    }
  }
  if (!results.at("missing").empty()) {
    md << "\nMissing evaluations (their stage's state; a failed stage's log is in its cache "
          "folder, `immimic suite status` lists them):\n\n";
    for (const auto& m : results.at("missing")) {
      md << "- " << m.at("stage").get<std::string>() << ": " << m.at("state").get<std::string>()
         << "\n";
    }
  }
  md << "\nPaired comparisons (exact McNemar test over the same seeds and episodes; "
        "'cannot tell' at p >= 0.05):\n\n| cell | A | B | only A succeeded | only B | p | verdict "
        "|\n"
        "|---|---|---|---|---|---|---|\n";
  for (const auto& c : results.at("comparisons")) {
    const std::string cell = c.at("task").get<std::string>() + " x " +
                             c.at("embodiment").get<std::string>() +
                             (c.contains("robot_demos")
                                  ? ", " + std::to_string(c.at("robot_demos").get<int>()) + " robot"
                                  : "");
    md << "| " << cell << " | " << ComparedMethod(c, "a") << " | " << ComparedMethod(c, "b")
       << " | " << c.at("a_only") << " | " << c.at("b_only") << " | "
       << Fixed(c.at("p_value").get<double>(), 3) << " | " << c.at("verdict").get<std::string>()
       << " |\n";
  }
  return md.str();
}

}  // namespace

void WriteReports(const nlohmann::json& results, const std::string& out_dir) {
  std::filesystem::create_directories(out_dir);
  for (const auto& video : results.value("videos", nlohmann::json::array())) {
    const std::filesystem::path to =
        std::filesystem::path(out_dir) / video.at("file").get<std::string>();
    std::filesystem::create_directories(to.parent_path());
    const std::filesystem::path partial = to.string() + ".partial";
    std::filesystem::copy_file(video.at("source").get<std::string>(), partial,
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(partial, to);
  }
  core::WriteFileAtomically(out_dir + "/results.json", results.dump(2) + "\n");
  core::WriteFileAtomically(out_dir + "/results.csv", Csv(results));
  core::WriteFileAtomically(out_dir + "/report.md", Markdown(results, out_dir));
}

}  // namespace immimic::suite
