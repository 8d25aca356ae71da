// immimic bench: Env throughput side by side with raw mj_step on the same model, in one run,
// for one embodiment or all; with --generation TASK, demo generation (`immimic demos`) side by
// side with the same frames of raw physics + rendering. Prints JSON (one object per embodiment
// in a list).

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "benchmarks/env_throughput.h"
#include "benchmarks/generation_throughput.h"
#include "cli/commands.h"
#include "envs/embodiment_spec.h"

namespace immimic::cli {

Command RegisterBench(CLI::App& app) {
  struct Options {
    std::string embodiment = "all";
    int steps = 150, rounds = 3, width = 84, height = 84;
    std::string generation;  // a task: measure demo generation instead
    int episodes = 5, threads = 0;
    uint64_t seed = 0;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("bench", "Measure Env throughput against raw MuJoCo");
  sub->add_option("--embodiment", o->embodiment, "An embodiment or 'all'");
  sub->add_option("--steps", o->steps, "Policy steps per measured block")
      ->check(CLI::Range(1, 1000000));
  sub->add_option("--rounds", o->rounds, "Interleaved blocks; the best is kept")
      ->check(CLI::Range(1, 100));
  sub->add_option("--width", o->width, "Image width")->check(CLI::Range(8, 1920));
  sub->add_option("--height", o->height, "Image height")->check(CLI::Range(8, 1080));
  sub->add_option("--generation", o->generation,
                  "Measure demo generation for this task (pick_place|push|hammer) against raw "
                  "physics + rendering of the same frames");
  sub->add_option("--episodes", o->episodes, "Demos to keep (--generation)")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--threads", o->threads, "Collector threads, 0 = one per core (--generation)")
      ->check(CLI::Range(0, 256));
  sub->add_option("--seed", o->seed, "Run seed (--generation)");
  return [o] {
    std::vector<std::string> names = {o->embodiment};
    if (o->embodiment == "all") names = envs::EmbodimentNames();
    nlohmann::json out = nlohmann::json::array();
    for (const std::string& name : names) {
      if (!o->generation.empty()) {
        datasets::CollectOptions c;
        c.task = o->generation;
        c.embodiment = name;
        c.episodes = o->episodes;
        c.seed = o->seed;
        c.threads = o->threads;
        c.image_width = o->width;
        c.image_height = o->height;
        const std::string scratch =
            "immimic_bench_generation_" + std::to_string(::getpid()) + ".hdf5";
        const benchmarks::GenerationThroughput g = benchmarks::MeasureGeneration(c, scratch);
        out.push_back({{"task", g.task},
                       {"embodiment", g.embodiment},
                       {"threads", g.threads},
                       {"attempts", g.attempts},
                       {"kept", g.kept},
                       {"frames", g.frames},
                       {"cameras_per_frame", g.cameras},
                       {"image", std::to_string(o->width) + "x" + std::to_string(o->height)},
                       {"generation_seconds", g.seconds},
                       {"generation_frames_per_s", g.frames_per_second},
                       {"raw_physics_render_seconds_1_thread", g.raw_seconds},
                       {"raw_physics_render_frames_per_s_1_thread", g.raw_frames_per_second},
                       {"raw_share_of_generation_cpu", g.raw_single_thread_share}});
        std::cerr << "bench: generation " << name << " done\n";
        continue;
      }
      envs::EnvConfig config;
      config.embodiment = name;
      config.image_width = o->width;
      config.image_height = o->height;
      const benchmarks::EnvThroughput t =
          benchmarks::MeasureEnvThroughput(config, o->steps, o->rounds);
      nlohmann::json row = {
          {"embodiment", t.embodiment},
          {"substeps", t.substeps},
          {"raw_mj_steps_per_s", t.raw_mj_steps_per_second},
          {"env_physics_steps_per_s", t.env_physics_steps_per_second},
          {"overhead_percent", t.overhead_percent},
          {"env_steps_per_s", t.env_steps_per_second},
          {"env_steps_with_images_per_s", t.env_steps_with_images_per_second},
          {"render_fps", t.render_frames_per_second},
          {"image", std::to_string(t.image_width) + "x" + std::to_string(t.image_height)},
          {"gl_backend", t.gl_backend}};
      std::cerr << "bench: " << name << " done\n";
      out.push_back(row);
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
