// immimic view: placeholder registration replaced when the viewer lands.
#include "cli/commands.h"
namespace immimic::cli {
Command RegisterView(CLI::App& app) {
  app.add_subcommand("view", "Interactive viewer (GLFW)");
  return [] { return 1; };
}
}  // namespace immimic::cli
