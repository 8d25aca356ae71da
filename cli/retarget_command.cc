// immimic retarget: human videos -> actions and proprioception of one end-effector.

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/error.h"
#include "core/registry.h"
#include "core/strict_yaml.h"
#include "envs/embodiment_spec.h"
#include "mapping/open_loop_replay.h"
#include "mapping/retarget_dataset.h"

namespace immimic::cli {

Command RegisterRetarget(CLI::App& app) {
  struct Options {
    std::string human, embodiment, config, out;
    bool per_demo = false;
    bool replay = false;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "retarget", "Retarget human hand keypoints to an end-effector's actions (new HDF5 file)");
  sub->add_option("--human", o->human, "Human-video HDF5 file (immimic demos --embodiment human)")
      ->required();
  sub->add_option("--embodiment", o->embodiment, "A robot end-effector (immimic list)")->required();
  sub->add_option("--config", o->config,
                  "Retargeting YAML (default: configs/retarget/<embodiment>.yaml)");
  sub->add_option("--out", o->out, "Output HDF5 file")->required();
  sub->add_flag("--per-demo", o->per_demo, "Include per-demo quality in the JSON summary");
  sub->add_flag("--replay", o->replay,
                "Open-loop check: replay the retargeted actions on the robot from each human "
                "episode's seed and report the success rate");
  return [o] {
    const auto& robots = envs::RobotEmbodimentNames();
    IMMIMIC_THROW_UNLESS(std::find(robots.begin(), robots.end(), o->embodiment) != robots.end(),
                         core::InputError,
                         core::UnknownNameMessage("end-effector", o->embodiment, robots));
    const mapping::RetargetConfig config =
        o->config.empty() ? mapping::LoadRetargetConfig(o->embodiment)
                          : mapping::ParseRetargetConfig(core::YamlNode::LoadFile(o->config));
    if (config.embodiment != o->embodiment) {
      throw core::InputError(o->config + ": embodiment '" + config.embodiment +
                             "' differs from --embodiment " + o->embodiment);
    }
    const mapping::RetargetDatasetSummary s = mapping::RetargetDataset(o->human, o->out, config);
    nlohmann::ordered_json summary = {{"out", o->out}, {"human", o->human}};
    summary.update(nlohmann::ordered_json::parse(mapping::RetargetSummaryJson(s, o->per_demo)));
    if (o->replay) {
      const mapping::ReplaySummary replay = mapping::ReplayRetargeted(o->out);
      summary["replay"] = {{"task", replay.task},
                           {"demos", replay.demos},
                           {"successes", replay.successes},
                           {"success_rate", replay.success_rate()}};
    }
    std::cout << summary.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
