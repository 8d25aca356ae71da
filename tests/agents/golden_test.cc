// Golden digests of the pipeline's outputs on a tiny configuration: a robot demo file (which
// records the software version: a version bump changes it), an action alignment of retargeted
// human videos against it, and the weights trained from them (one thread, two epochs; the
// weights' digest depends on the CPU's vector extensions, see ExpectedWeightsDigest). Refactors
// must keep all three bit for bit; a deliberate change of behaviour updates the digests in the same
// commit and says why.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "agents/checkpoint.h"
#include "agents/trainer.h"
#include "core/sha256.h"
#include "datasets/demo_collector.h"
#include "mapping/alignment_file.h"
#include "mapping/map_datasets.h"
#include "mapping/retarget_config.h"
#include "mapping/retarget_dataset.h"

namespace immimic::agents {
namespace {
namespace fs = std::filesystem;

datasets::CollectOptions TinyCollect(const std::string& embodiment, int episodes) {
  datasets::CollectOptions o;
  o.embodiment = embodiment;
  o.episodes = episodes;
  o.seed = 9;
  o.image_width = 32;
  o.image_height = 24;
  o.threads = 1;
  return o;
}

// LibTorch's CPU kernels (oneDNN, OpenBLAS) choose their code path by the CPU's vector
// extensions, and the last bits of trained weights follow it: one digest per path, both taken
// from the same source.
std::string ExpectedWeightsDigest() {
  if (__builtin_cpu_supports("avx512f")) {
    return "574d816164ce63e37679f19880f79e4c99a5244bf685baa6333b0a7e994c5f4a";
  }
  return "5ee51889339757d937f1622fe1f9a4125c770d7110a9668ea532619aa3b4b864";  // AVX2
}

// The alignment's content, without the file names it records (they differ between runs here).
std::string AlignmentDigest(const std::string& path) {
  const mapping::AlignmentFile file = mapping::ReadAlignmentFile(path);
  core::Sha256 hash;
  hash.Update(file.mode + "/" + file.embodiment + "/" + file.settings_json);
  for (const auto& names : {file.human_demo_names, file.robot_demo_names}) {
    for (const auto& name : names) hash.Update(name + ",");
  }
  for (const auto& frames : {file.human_frames, file.robot_frames}) {
    hash.Update(frames.data(), frames.size() * sizeof(int));
  }
  for (const mapping::AlignedPair& pair : file.pairs) {
    hash.Update(pair.robot_frame.data(), pair.robot_frame.size() * sizeof(int));
    hash.Update(&pair.cost, sizeof(double));
    hash.Update(&pair.path_length, sizeof(int));
  }
  return hash.HexDigest();
}

std::string WeightsDigest(const std::string& run) {
  core::Sha256 hash;
  for (const auto& p : LoadCheckpoint(run + "/policy").policy->parameters()) {
    const torch::Tensor t = p.detach().contiguous().to(torch::kFloat32);
    hash.Update(t.data_ptr<float>(), static_cast<size_t>(t.numel()) * sizeof(float));
  }
  return hash.HexDigest();
}

TEST(Golden, DemosAlignmentAndWeightsKeepTheirDigests) {
  const fs::path dir = fs::temp_directory_path() / ("immimic_golden_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string robot = (dir / "robot.hdf5").string(), human = (dir / "human.hdf5").string();
  const std::string retargeted = (dir / "human_robotiq.hdf5").string();
  const std::string map = (dir / "map.h5").string();
  datasets::CollectDemos(TinyCollect("robotiq", 1), robot);
  datasets::CollectDemos(TinyCollect("human", 2), human);
  mapping::RetargetDataset(human, retargeted, mapping::LoadRetargetConfig("robotiq"));
  mapping::MapOptions map_options;
  map_options.threads = 1;
  mapping::WriteAlignmentFile(map, mapping::MapDatasets(retargeted, robot, map_options).file);

  std::ofstream(dir / "policy.yaml")
      << "image_size: 16\nobs_horizon: 2\naction_horizon: 4\n"
         "encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}\n"
         "unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}\n";
  std::ofstream(dir / "train.yaml") << "policy: " << (dir / "policy.yaml").string()
                                    << "\nepochs: 2\nbatch_size: 32\nwarmup_steps: 2\nthreads: 1\n"
                                       "robot_time_compression: auto\n";
  TrainOptions train;
  train.method = "immimic_a";
  train.config_path = (dir / "train.yaml").string();
  train.robot_path = robot;
  train.human_path = retargeted;
  train.map_path = map;
  train.out_dir = (dir / "run").string();
  train.seed = 3;
  Train(train);

  EXPECT_EQ(core::Sha256OfFile(robot),
            "c6dab3773fa091ea39e0136183be06e107acf9df7c74c96f1e9c3cbde3061033");
  EXPECT_EQ(AlignmentDigest(map),
            "d726d066b692e193530467cdd828cb5dddab21124b81a69ce6b0325f62a20013");
  EXPECT_EQ(WeightsDigest(train.out_dir), ExpectedWeightsDigest())
      << (__builtin_cpu_supports("avx512f") ? "AVX-512" : "AVX2") << " kernels";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace immimic::agents
