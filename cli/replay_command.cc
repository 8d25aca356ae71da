// immimic replay: re-simulate stored demos and report divergence; optionally write a video.

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "datasets/demo_replay.h"
#include "envs/video_writer.h"

namespace immimic::cli {

Command RegisterReplay(CLI::App& app) {
  struct Options {
    std::string file, video;
    int demo = -1;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand("replay", "Re-simulate stored demos and report divergence");
  sub->add_option("file", o->file, "Dataset (HDF5)")->required();
  sub->add_option("--demo", o->demo, "Demo index (default: all)")->check(CLI::NonNegativeNumber);
  sub->add_option("--video", o->video, "Write the agentview of the replay as a video (ffmpeg)");
  return [o] {
    const datasets::DatasetReader reader(o->file);
    envs::EnvConfig config = datasets::EnvConfigFromDataset(reader);
    config.images = !o->video.empty();
    envs::Env env(config);
    std::unique_ptr<envs::VideoWriter> video;
    if (!o->video.empty()) {
      video = std::make_unique<envs::VideoWriter>(o->video, config.image_width, config.image_height,
                                                  config.control_hz);
    }
    nlohmann::json rows = nlohmann::json::array();
    const size_t first = o->demo >= 0 ? static_cast<size_t>(o->demo) : 0;
    const size_t last = o->demo >= 0 ? first + 1 : reader.num_demos();
    for (size_t k = first; k < last; ++k) {
      const datasets::ReplayResult r =
          datasets::ReplayDemo(reader, k, env, [&](const envs::Observation& obs) {
            if (video) video->Add(obs.agentview);
          });
      rows.push_back({{"demo", r.demo},
                      {"mode", r.mode},
                      {"steps", r.steps},
                      {"max_state_divergence", r.max_state_divergence},
                      {"max_eef_divergence", r.max_eef_divergence},
                      {"stored_success", r.stored_success},
                      {"replay_success", r.replay_success}});
    }
    if (video) video->Close();
    std::cout << nlohmann::json({{"file", o->file}, {"demos", rows}}).dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
