#pragma once
// Small robot and (retargeted) human datasets with known values, for training-side tests that
// must not wait for simulation: frame t of demo d has action row [d, t, 0.1 t, ...] and images
// whose pixels encode d and t.
#include <string>

#include <nlohmann/json.hpp>

#include "datasets/dataset_writer.h"

namespace immimic::agents::testing {

inline datasets::Episode SyntheticEpisode(int demo, int frames, int image_size, bool human,
                                          int action_dim = 7) {
  datasets::Episode e;
  e.num_samples = frames;
  std::vector<double> actions, eef, states;
  std::vector<uint8_t> image;
  for (int t = 0; t < frames; ++t) {
    for (int k = 0; k < action_dim; ++k) actions.push_back(demo + 0.1 * t + 0.01 * k);
    for (int k = 0; k < action_dim + 1; ++k) eef.push_back(0.5 * demo - 0.02 * t + 0.01 * k);
    states.push_back(t);
    for (int p = 0; p < image_size * image_size; ++p) {
      image.push_back(static_cast<uint8_t>(10 * demo));
      image.push_back(static_cast<uint8_t>(t));
      image.push_back(static_cast<uint8_t>(p % 256));
    }
  }
  const size_t n = frames, s = image_size, a = action_dim;
  e.actions = datasets::Array::Float64({n, a}, actions);
  e.states = datasets::Array::Float64({n, 1}, states);
  e.obs["eef_pose"] = datasets::Array::Float64({n, a + 1}, eef);
  e.obs["agentview_image"] = datasets::Array::Uint8({n, s, s, 3}, image);
  if (!human) e.obs["wrist_image"] = datasets::Array::Uint8({n, s, s, 3}, image);
  e.model_file = "<mujoco/>";
  e.success = true;
  return e;
}

// Demo d has lengths[d] frames.
inline void WriteSyntheticDataset(const std::string& path, const std::vector<int>& lengths,
                                  int image_size, bool human, const std::string& task = "push") {
  datasets::DatasetWriter writer(path);
  for (size_t d = 0; d < lengths.size(); ++d) {
    writer.Add(SyntheticEpisode(static_cast<int>(d), lengths[d], image_size, human));
  }
  // the config block makes the robot file's env_args usable for an evaluation env
  nlohmann::json env_args = {
      {"task", task},
      {"embodiment", human ? "human" : "robotiq"},
      {"config", {{"image_width", image_size}, {"image_height", image_size}}}};
  writer.Finish(env_args.dump());
}

}  // namespace immimic::agents::testing
