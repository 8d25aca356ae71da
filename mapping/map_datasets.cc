#include "mapping/map_datasets.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "datasets/dataset_reader.h"
#include "envs/embodiment_spec.h"

namespace immimic::mapping {
namespace {

struct LoadedDataset {
  std::vector<std::string> names;
  std::vector<int> frames;
  std::vector<Sequence> actions;
  std::vector<datasets::Array> videos;
  std::string embodiment;
};

// The end-effector a dataset's actions belong to: the robot's, or the one it was retargeted to.
std::string ActionEmbodiment(const datasets::DatasetReader& reader) {
  const nlohmann::json env_args = nlohmann::json::parse(reader.env_args());
  if (reader.is_human()) {
    IMMIMIC_THROW_UNLESS(env_args.contains("retarget") && env_args["retarget"].is_object() &&
                             env_args["retarget"].contains("embodiment"),
                         core::InputError, reader.path(),
                         ": a human dataset that is not retargeted (run immimic retarget first)");
    return env_args["retarget"]["embodiment"].get<std::string>();
  }
  IMMIMIC_THROW_UNLESS(env_args.contains("embodiment") && env_args["embodiment"].is_string(),
                       core::InputError, reader.path(), ": env_args has no embodiment");
  return env_args["embodiment"].get<std::string>();
}

LoadedDataset Load(const std::string& path, bool human, bool videos, const std::string& image_key) {
  const datasets::DatasetReader reader(path);
  IMMIMIC_THROW_UNLESS(reader.is_human() == human, core::InputError, path, ": expected a ",
                       human ? "human-video" : "robot", " dataset");
  IMMIMIC_THROW_UNLESS(reader.num_demos() > 0, core::InputError, path, ": no demos");
  LoadedDataset out;
  out.embodiment = ActionEmbodiment(reader);
  out.names = reader.demo_names();
  for (size_t k = 0; k < reader.num_demos(); ++k) {
    datasets::Episode episode = reader.Read(k);
    const std::string where = path + ": data/" + out.names[k];
    IMMIMIC_THROW_UNLESS(episode.actions.has_value(), core::InputError, where, ": no actions");
    const datasets::Array& a = *episode.actions;
    const size_t cols = a.shape().size() == 2 ? a.shape()[1] : 0;
    out.actions.push_back(Eigen::Map<const Sequence>(
        a.doubles().data(), static_cast<Eigen::Index>(a.rows()), static_cast<Eigen::Index>(cols)));
    out.frames.push_back(static_cast<int>(episode.num_samples));
    if (videos) {
      IMMIMIC_THROW_UNLESS(episode.obs.count(image_key) > 0, core::InputError, where, "/obs/",
                           image_key, ": missing (visual mapping needs the images)");
      out.videos.push_back(std::move(episode.obs.at(image_key)));
    }
  }
  return out;
}

}  // namespace

MapResult MapDatasets(const std::string& human_path, const std::string& robot_path,
                      const MapOptions& options) {
  IMMIMIC_THROW_UNLESS(options.mode == "action" || options.mode == "visual", core::InputError,
                       "map: mode must be action or visual, got '", options.mode, "'");
  IMMIMIC_THROW_UNLESS(options.threads >= 0, core::InputError, "map: threads must be >= 0");
  const bool visual = options.mode == "visual";
  const LoadedDataset human = Load(human_path, true, visual, options.image_key);
  const LoadedDataset robot = Load(robot_path, false, visual, options.image_key);
  IMMIMIC_THROW_UNLESS(human.embodiment == robot.embodiment, core::InputError, human_path,
                       " is retargeted to '", human.embodiment, "' but ", robot_path, " is '",
                       robot.embodiment, "'");
  const envs::EmbodimentSpec spec = envs::LoadEmbodimentSpec(robot.embodiment);

  nlohmann::ordered_json settings;
  settings["window"] = options.window ? nlohmann::ordered_json(*options.window) : nullptr;
  std::unique_ptr<FrameDistance> distance;
  std::vector<Sequence> human_frames, robot_frames;
  if (visual) {
    std::vector<const datasets::Array*> human_videos, robot_videos;
    for (const auto& v : human.videos) human_videos.push_back(&v);
    for (const auto& v : robot.videos) robot_videos.push_back(&v);
    const PcaImageEncoder encoder =
        PcaImageEncoder::Fit(human_videos, robot_videos, options.encoder);
    for (const auto& v : human.videos) human_frames.push_back(encoder.Encode(v));
    for (const auto& v : robot.videos) robot_frames.push_back(encoder.Encode(v));
    distance = std::make_unique<VisualFrameDistance>(encoder.feature_dims());
    settings["distance"] = "visual: ||f_h - f_r||_2";
    settings["image_key"] = options.image_key;
    settings["encoder"] = nlohmann::ordered_json::parse(encoder.DescribeJson());
  } else {
    const int k = spec.hand_dim();
    ActionDistanceConfig config;
    config.joint_weight = options.joint_weight / k;
    config.rotation_weight = options.rotation_weight;
    config.scale = Eigen::VectorXd::Ones(3 + k);
    for (int d = 0; d < k; ++d) config.scale[3 + d] = spec.hand[d].high - spec.hand[d].low;
    distance = std::make_unique<ActionFrameDistance>(k, config);
    human_frames = human.actions;
    robot_frames = robot.actions;
    settings["distance"] =
        "action: ||t_h - t_r||_1 + joint_weight / k * ||(p_h - p_r) / range||_1 + "
        "rotation_weight * angle(o_h, o_r)";
    settings["joint_weight"] = options.joint_weight;
    settings["rotation_weight"] = options.rotation_weight;
    settings["hand_range"] =
        std::vector<double>(config.scale.data() + 3, config.scale.data() + 3 + k);
  }

  AllPairsOptions all_pairs;
  all_pairs.dtw.window = options.window;
  all_pairs.threads = options.threads;
  const auto start = std::chrono::steady_clock::now();
  AllPairsAlignment alignment;
  try {
    alignment = AlignAllPairs(human_frames, robot_frames, *distance, all_pairs);
  } catch (const core::InputError& e) {
    throw core::InputError(human_path + " x " + robot_path + ": " + e.what());
  }
  MapResult result;
  result.seconds_dtw =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.file = MakeAlignmentFile(alignment, options.mode, human.names, robot.names, human.frames,
                                  robot.frames);
  result.file.embodiment = robot.embodiment;
  result.file.human_file = human_path;
  result.file.robot_file = robot_path;
  result.file.settings_json = settings.dump();
  return result;
}

}  // namespace immimic::mapping
