// immimic map: DTW alignment of every human demo with every robot demo -> alignment file.

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "mapping/map_datasets.h"

namespace immimic::cli {

Command RegisterMap(CLI::App& app) {
  struct Options {
    std::string human, robot, out;
    mapping::MapOptions map;
    int window = -1;
  };
  auto o = std::make_shared<Options>();
  auto* sub = app.add_subcommand(
      "map", "Align retargeted human demos with robot demos by DTW (JSON alignment file)");
  sub->add_option("--human", o->human, "Retargeted human HDF5 (immimic retarget)")->required();
  sub->add_option("--robot", o->robot, "Robot demos HDF5 of the same end-effector")->required();
  sub->add_option("--mode", o->map.mode, "action|visual")
      ->check(CLI::IsMember({"action", "visual"}));
  sub->add_option("--out", o->out, "Alignment file to write (JSON)")->required();
  sub->add_option("--window", o->window, "Sakoe-Chiba half-width in robot frames (default: none)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--threads", o->map.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  sub->add_option("--joint-weight", o->map.joint_weight,
                  "Action mode: metres per full-range hand motion")
      ->check(CLI::Range(0.0, 100.0));
  sub->add_option("--rotation-weight", o->map.rotation_weight, "Action mode: metres per radian")
      ->check(CLI::Range(0.0, 100.0));
  sub->add_option("--components", o->map.encoder.components, "Visual mode: PCA components")
      ->check(CLI::Range(1, 12288));
  sub->add_option("--grid", o->map.encoder.grid, "Visual mode: images averaged to grid x grid")
      ->check(CLI::Range(1, 64));
  return [o] {
    if (o->window >= 0) o->map.window = o->window;
    const mapping::MapResult result = mapping::MapDatasets(o->human, o->robot, o->map);
    mapping::WriteAlignmentFile(o->out, result.file);
    const mapping::AlignmentFile& f = result.file;
    nlohmann::ordered_json summary = {{"out", o->out},
                                      {"mode", f.mode},
                                      {"embodiment", f.embodiment},
                                      {"human_demos", f.num_human()},
                                      {"robot_demos", f.num_robot()},
                                      {"pairs", f.pairs.size()},
                                      {"mean_step_cost", f.MeanStepCost()},
                                      {"dtw_seconds", result.seconds_dtw}};
    if (f.mode == "action") summary["action_distance"] = f.MeanStepCost();
    std::cout << summary.dump() << "\n";
    return 0;
  };
}

}  // namespace immimic::cli
