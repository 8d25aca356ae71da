// The `immimic` executable: parses the command line, runs one subcommand, and turns every
// project error into one clear line on stderr and exit code 2 (1 for failures at run time).

#include <algorithm>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/registry.h"

int main(int argc, char** argv) {
  CLI::App app{"ImMimic Bench: learning manipulation from human videos across end-effectors"};
  app.set_version_flag("--version", immimic::core::SoftwareVersion());
  app.require_subcommand(1);
  std::map<CLI::App*, immimic::cli::Command> commands;
  auto add = [&](immimic::cli::Command (*reg)(CLI::App&)) {
    const size_t before = app.get_subcommands({}).size();
    immimic::cli::Command command = reg(app);
    commands[app.get_subcommands({})[before]] = std::move(command);
  };
  add(immimic::cli::RegisterList);
  add(immimic::cli::RegisterRender);
  add(immimic::cli::RegisterView);
  add(immimic::cli::RegisterBench);
  add(immimic::cli::RegisterDemos);
  add(immimic::cli::RegisterReplay);
  add(immimic::cli::RegisterTrain);
  add(immimic::cli::RegisterEval);
  add(immimic::cli::RegisterMetrics);
  add(immimic::cli::RegisterRetarget);
  add(immimic::cli::RegisterMap);
  add(immimic::cli::RegisterSuite);
  add(immimic::cli::RegisterExport);
  add(immimic::cli::RegisterBridge);
  // CLI11 would only say "a subcommand is required": name the unknown command instead
  std::vector<std::string> known;
  for (const auto& [sub, command] : commands) known.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' &&
      std::find(known.begin(), known.end(), argv[1]) == known.end()) {
    std::cerr << "error: " << immimic::core::UnknownNameMessage("command", argv[1], known) << "\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << "error: " << e.what() << "\n";      // a bad flag: one line, like any bad input
    return 2;
  }
  try {
    for (auto& [sub, command] : commands) {
      if (sub->parsed()) return command();
    }
  } catch (const immimic::core::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const immimic::core::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
