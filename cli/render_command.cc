// immimic render: one frame of a scene after reset, from the agentview or wrist camera.

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/env_options.h"
#include "core/error.h"
#include "envs/env.h"
#include "envs/gl_context.h"

namespace immimic::cli {

Command RegisterRender(CLI::App& app) {
  struct Options {
    EnvOptions env;
    std::string camera = "agentview", out;
    int width = 320, height = 240;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("render", "Render one frame of a scene to a PNG file");
  AddEnvOptions(sub, &o->env);
  sub->add_option("--camera", o->camera, "agentview|wrist")
      ->check(CLI::IsMember({"agentview", "wrist"}));
  sub->add_option("--width", o->width, "Image width")->check(CLI::Range(8, 1920));
  sub->add_option("--height", o->height, "Image height")->check(CLI::Range(8, 1080));
  sub->add_option("--seed", o->seed, "Episode seed (object placement)");
  sub->add_option("--out", o->out, "Output PNG file")->required();
  return [o] {
    envs::EnvConfig config = ResolveEnvConfig(o->env);
    config.images = false;  // render only the frame asked for, at its own size
    config.image_width = o->width;
    config.image_height = o->height;
    envs::Env env(config);
    env.Reset(o->seed);
    int camera = env.agentview_camera();
    if (o->camera == "wrist") {
      IMMIMIC_THROW_UNLESS(env.wrist_camera() >= 0, core::InputError, "embodiment '",
                           config.embodiment, "' has no wrist camera");
      camera = env.wrist_camera();
    }
    envs::Image image;
    image.Resize(o->width, o->height);
    env.RenderCamera(camera, &image);
    envs::WritePng(image, o->out);
    nlohmann::json summary = {{"out", o->out},
                              {"embodiment", config.embodiment},
                              {"camera", o->camera},
                              {"width", o->width},
                              {"height", o->height},
                              {"seed", o->seed},
                              {"gl_backend", envs::HeadlessGlBackend()}};
    std::cout << summary.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
