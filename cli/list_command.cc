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
  sub->add_flag("--json", *json, "Print JSON");
  return [json] {
    const auto& embodiments = envs::EmbodimentNames();
    const auto& tasks = envs::TaskNames();
    if (*json) {
      nlohmann::json out = {{"embodiments", embodiments}, {"tasks", tasks}};
      std::cout << out.dump(2) << "\n";
      return 0;
    }
    std::cout << "embodiments:";
    for (const auto& name : embodiments) std::cout << " " << name;
    std::cout << "\ntasks:";
    for (const auto& name : tasks) std::cout << " " << name;
    if (tasks.empty()) std::cout << " (none yet; scenes default to a tabletop with a cube)";
    std::cout << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
