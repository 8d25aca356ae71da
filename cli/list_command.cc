// immimic list [--json]: the registered embodiments and tasks.

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "envs/embodiment_spec.h"
#include "envs/task.h"

namespace immimic::cli {

Command RegisterList(CLI::App& app) {
  auto* sub = app.add_subcommand("list", "List the registered embodiments and tasks");
  auto json = std::make_shared<bool>(false);
  auto names_only = std::make_shared<std::string>();
  sub->add_flag("--json", *json, "Print JSON");
  sub->add_option("--names", *names_only, "Print only these names, one per line")
      ->check(CLI::IsMember({"embodiments", "tasks"}));
  return [json, names_only] {
    const auto& embodiments = envs::EmbodimentNames();
    const auto& tasks = envs::TaskNames();
    if (!names_only->empty()) {
      for (const auto& name : *names_only == "embodiments" ? embodiments : tasks) {
        std::cout << name << "\n";
      }
      return 0;
    }
    if (*json) {
      nlohmann::json out = {{"embodiments", embodiments}, {"tasks", tasks}};
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    std::cout << "embodiments:";
    for (const auto& name : embodiments) std::cout << " " << name;
    std::cout << "\ntasks:";
    for (const auto& name : tasks) std::cout << " " << name;
    std::cout << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
