// immimic list [--json]: the registered embodiments, tasks and methods.

#include <iostream>
#include <nlohmann/json.hpp>

#include "agents/method.h"
#include "cli/commands.h"
#include "envs/embodiment_spec.h"
#include "envs/task.h"

namespace immimic::cli {

Command RegisterList(CLI::App& app) {
  auto* sub = app.add_subcommand("list", "List the registered embodiments, tasks and methods");
  auto json = std::make_shared<bool>(false);
  auto names_only = std::make_shared<std::string>();
  sub->add_flag("--json", *json, "Print JSON");
  sub->add_option("--names", *names_only, "Print only these names, one per line")
      ->check(CLI::IsMember({"embodiments", "tasks", "methods"}));
  return [json, names_only] {
    const std::vector<std::pair<std::string, std::vector<std::string>>> lists = {
        {"embodiments", envs::EmbodimentNames()},
        {"tasks", envs::TaskNames()},
        {"methods", agents::MethodNames()}};
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [kind, names] : lists) {
      if (!names_only->empty() && kind != *names_only) continue;
      if (!names_only->empty()) {
        for (const auto& name : names) std::cout << name << "\n";
      } else if (!*json) {
        std::cout << kind << ":";
        for (const auto& name : names) std::cout << " " << name;
        std::cout << "\n";
      }
      out[kind] = names;
    }
    if (*json && names_only->empty()) std::cout << out.dump(2) << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
