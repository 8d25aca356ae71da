// immimic demos: scripted demonstrations (robot) or human videos into an HDF5 dataset.

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/progress.h"
#include "datasets/demo_collector.h"

namespace immimic::cli {

Command RegisterDemos(CLI::App& app) {
  auto o = std::make_shared<datasets::CollectOptions>();
  auto out = std::make_shared<std::string>();
  auto* sub = app.add_subcommand(
      "demos", "Generate robot demonstrations or human videos with the scripted experts");
  sub->add_option("--task", o->task, "pick_place|push|hammer|flip (default: tabletop cube)");
  sub->add_option("--embodiment", o->embodiment, "robotiq|fin_ray|allegro|ability|human")
      ->required();
  sub->add_option("--episodes", o->episodes, "Episodes to keep")->check(CLI::Range(1, 100000));
  sub->add_option("--seed", o->seed, "Run seed (episode k uses a seed derived from it)");
  sub->add_option("--width", o->image_width, "Image width")->check(CLI::Range(8, 1920));
  sub->add_option("--height", o->image_height, "Image height")->check(CLI::Range(8, 1080));
  sub->add_option("--threads", o->threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  sub->add_flag("--keep-failures", o->keep_failures, "Keep unsuccessful episodes too");
  sub->add_option("--style", o->style,
                  "Expert motion: teleop (robots' default) or human (natural speed; the hand's "
                  "only style, on a robot an oracle's demos)")
      ->check(CLI::IsMember({"teleop", "human"}));
  sub->add_option("--out", *out, "Output HDF5 file")->required();
  return [o, out] {
    Progress bar("demos", std::cerr);
    const datasets::CollectSummary s =
        datasets::CollectDemos(*o, *out, [&](int done, int total) { bar.Update(done, total); });
    bar.Finish();
    nlohmann::json summary = {{"out", *out},
                              {"task", o->task},
                              {"embodiment", o->embodiment},
                              {"style", o->style.empty() ? "default" : o->style},
                              {"attempts", s.attempts},
                              {"successes", s.successes},
                              {"success_rate", s.attempts ? double(s.successes) / s.attempts : 0},
                              {"kept", s.kept},
                              {"frames", s.frames},
                              {"seconds", s.seconds},
                              {"frames_per_second", s.seconds > 0 ? s.frames / s.seconds : 0}};
    std::cout << summary.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
