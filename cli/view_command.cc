// immimic view: the interactive GLFW viewer (see envs/viewer.h for the keys).

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/env_options.h"
#include "envs/viewer.h"

namespace immimic::cli {

Command RegisterView(CLI::App& app) {
  struct Options {
    EnvOptions env;
    envs::ViewerOptions viewer;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "view",
      "Interactive viewer: Space pause, Backspace reset, Tab camera, arrows/PgUp/PgDn move, "
      "G close, O open, Esc quit");
  AddEnvOptions(sub, &o->env);
  sub->add_option("--seed", o->viewer.seed, "First episode seed");
  sub->add_option("--width", o->viewer.width, "Window width")->check(CLI::Range(64, 3840));
  sub->add_option("--height", o->viewer.height, "Window height")->check(CLI::Range(64, 2160));
  sub->add_option("--frames", o->viewer.frames, "Stop after N frames (scripted use)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--screenshot", o->viewer.screenshot, "Save the last frame as PNG");
  sub->add_option("--keys", o->viewer.keys, "Scripted key presses, one per frame (e.g. G Up)");
  return [o] {
    envs::EnvConfig config = ResolveEnvConfig(o->env);
    config.images = false;
    envs::Env env(config);
    const envs::ViewerSummary s = envs::RunViewer(env, o->viewer);
    nlohmann::json out = {{"frames", s.frames},
                          {"steps", s.steps},
                          {"resets", s.resets},
                          {"camera", s.camera},
                          {"screenshot", o->viewer.screenshot}};
    out["action"] =
        std::vector<double>(s.last_action.data(), s.last_action.data() + s.last_action.size());
    out["proprio"] = std::vector<double>(s.proprio.data(), s.proprio.data() + s.proprio.size());
    std::cout << out.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
