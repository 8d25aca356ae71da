// Demo collection end to end on the tabletop cube: what is stored, that it replays exactly,
// that the estimator noise is what was configured, and that the same seed gives the same file.

#include <gtest/gtest.h>

#include <cmath>

#include "core/atomic_file.h"
#include "datasets/dataset_reader.h"
#include "datasets/demo_collector.h"
#include "datasets/demo_replay.h"
#include "datasets/episode.h"

namespace immimic::datasets {
namespace {

CollectOptions Options(const std::string& embodiment, int episodes) {
  CollectOptions o;
  o.embodiment = embodiment;
  o.episodes = episodes;
  o.seed = 9;
  o.image_width = 32;
  o.image_height = 24;
  return o;
}

TEST(DemoCollector, RobotDemosStoreEverythingAndReplayExactly) {
  const std::string path = ::testing::TempDir() + "/robot_demos.hdf5";
  const CollectSummary s = CollectDemos(Options("robotiq", 1), path);
  EXPECT_EQ(s.kept, 1);
  const DatasetReader reader(path);
  ASSERT_EQ(reader.num_demos(), 1u);
  const Episode e = reader.Read(0);
  EXPECT_TRUE(e.success);
  ASSERT_TRUE(e.actions.has_value());
  EXPECT_EQ(e.actions->shape()[1], 7u);  // 6 pose + 1 grip
  EXPECT_EQ(e.obs.at("agentview_image").shape(), (std::vector<size_t>{e.num_samples, 24, 32, 3}));
  EXPECT_EQ(e.obs.at("wrist_image").shape()[0], e.num_samples);
  EXPECT_EQ(e.obs.at("eef_pose").shape()[1], 8u);
  EXPECT_NE(e.model_file.find("<mujoco"), std::string::npos);
  // teleoperation is slow: far more than the 3-4 s a human needs
  EXPECT_GT(e.num_samples, 300u);

  envs::Env env(EnvConfigFromDataset(reader));
  const ReplayResult r = ReplayDemo(reader, 0, env);
  EXPECT_EQ(r.mode, "actions");
  EXPECT_EQ(r.max_state_divergence, 0.0);
  EXPECT_EQ(r.max_eef_divergence, 0.0);
  EXPECT_TRUE(r.replay_success);
}

TEST(DemoCollector, HumanStyleOnARobotIsFastWithActionsAndReplaysExactly) {
  const std::string path = ::testing::TempDir() + "/robot_human_pace.hdf5";
  CollectOptions o = Options("robotiq", 1);
  o.style = "human";
  EXPECT_EQ(CollectDemos(o, path).kept, 1);
  const DatasetReader reader(path);
  EXPECT_FALSE(reader.is_human());
  EXPECT_NE(reader.env_args().find("\"human_pace\""), std::string::npos) << reader.env_args();
  const Episode e = reader.Read(0);
  ASSERT_TRUE(e.actions.has_value());
  EXPECT_EQ(e.obs.at("wrist_image").shape()[0], e.num_samples);
  EXPECT_EQ(e.attributes.at("style"), "human_pace");
  // the natural-speed expert: about the 3-4 s a human needs, not the teleoperated 10+ s
  EXPECT_LT(e.num_samples, 200u);
  envs::Env env(EnvConfigFromDataset(reader));
  const ReplayResult r = ReplayDemo(reader, 0, env);
  EXPECT_EQ(r.max_state_divergence, 0.0);
  EXPECT_TRUE(r.replay_success);
}

TEST(DemoCollector, HumanVideosStoreEstimatesTruthAndNoActions) {
  const std::string path = ::testing::TempDir() + "/human_videos.hdf5";
  CollectOptions o = Options("human", 2);
  o.noise.dropout_probability = 0.05;
  CollectDemos(o, path);
  const DatasetReader reader(path);
  EXPECT_TRUE(reader.is_human());
  double squared_error = 0;
  size_t samples = 0, dropped = 0, frames = 0;
  for (size_t k = 0; k < reader.num_demos(); ++k) {
    const Episode e = reader.Read(k);
    EXPECT_FALSE(e.actions.has_value());
    const auto& estimate = e.obs.at("hand_keypoints").doubles();
    const auto& truth = e.extras.at("hand_keypoints_true").doubles();
    const auto& detected = e.obs.at("hand_detected").doubles();
    ASSERT_EQ(e.obs.at("hand_keypoints").shape(), (std::vector<size_t>{e.num_samples, 21, 3}));
    for (size_t t = 0; t < e.num_samples; ++t) {
      ++frames;
      if (detected[t] == 0) {
        ++dropped;
        EXPECT_TRUE(std::isnan(estimate[t * 63]));
        continue;
      }
      for (size_t i = 0; i < 63; ++i) {
        const double d = estimate[t * 63 + i] - truth[t * 63 + i];
        if (std::abs(d) < 0.02) {  // outliers aside
          squared_error += d * d;
          ++samples;
        }
      }
    }
    envs::Env env(EnvConfigFromDataset(reader));
    const ReplayResult r = ReplayDemo(reader, k, env);
    EXPECT_EQ(r.mode, "states");
    EXPECT_EQ(r.max_state_divergence, 0.0);
    EXPECT_EQ(r.max_eef_divergence, 0.0);
  }
  // the configured 5 mm per coordinate, and a few dropped frames
  EXPECT_NEAR(std::sqrt(squared_error / samples), o.noise.keypoint_sigma_m, 0.001);
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, frames / 5);
}

TEST(DemoCollector, SameSeedGivesIdenticalData) {
  const std::string a = ::testing::TempDir() + "/same_a.hdf5";
  const std::string b = ::testing::TempDir() + "/same_b.hdf5";
  CollectDemos(Options("human", 1), a);
  CollectDemos(Options("human", 1), b);
  EXPECT_TRUE(DatasetReader(a).Read(0) == DatasetReader(b).Read(0));
  EXPECT_EQ(core::ReadFile(a), core::ReadFile(b));
}

TEST(DemoCollector, ThreadCountDoesNotChangeTheFile) {
  const std::string one = ::testing::TempDir() + "/threads_1.hdf5";
  const std::string two = ::testing::TempDir() + "/threads_2.hdf5";
  CollectOptions o = Options("human", 3);
  o.threads = 1;
  CollectDemos(o, one);
  o.threads = 2;
  CollectDemos(o, two);
  EXPECT_EQ(core::ReadFile(one), core::ReadFile(two));
}

TEST(DemoCollector, BadOptionsAreClearErrorsAndWriteNothing) {
  const std::string path = ::testing::TempDir() + "/never.hdf5";
  CollectOptions o = Options("robotiq", 0);
  EXPECT_THROW(CollectDemos(o, path), core::InputError);
  o = Options("octopus", 1);
  EXPECT_THROW(CollectDemos(o, path), core::InputError);
  o = Options("robotiq", 1);
  o.style = "sideways";  // no silent default for an unknown style
  EXPECT_THROW(CollectDemos(o, path), core::InputError);
  o = Options("human", 1);
  o.style = "teleop";  // the hand has no actions to teleoperate
  EXPECT_THROW(CollectDemos(o, path), core::InputError);
  EXPECT_THROW(core::ReadFile(path), core::Error);
}

}  // namespace
}  // namespace immimic::datasets
