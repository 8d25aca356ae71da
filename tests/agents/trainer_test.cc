// End-to-end training on tiny synthetic datasets: the run folder, every method's data path
// (robot, human, mixed with random and aligned partners), determinism and resumption.
#include "agents/trainer.h"

#include <gtest/gtest.h>

#include <cmath>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "agents/checkpoint.h"
#include "agents/method.h"
#include "agents/trained_policy.h"
#include "benchmarks/rollout.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/sha256.h"
#include "datasets/demo_replay.h"
#include "mapping/alignment_file.h"
#include "tests/agents/synthetic_dataset.h"

namespace immimic::agents {
namespace {
namespace fs = std::filesystem;

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("immimic_trainer_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    robot_ = (dir_ / "robot.hdf5").string();
    human_ = (dir_ / "human.hdf5").string();
    testing::WriteSyntheticDataset(robot_, {12, 10}, 16, false);
    testing::WriteSyntheticDataset(human_, {6, 5, 7}, 16, true);
    std::ofstream(dir_ / "policy.yaml") << "image_size: 16\nobs_horizon: 2\naction_horizon: 4\n"
                                           "encoder: {channels: [4, 8], keypoints: 4, "
                                           "feature_dim: 8}\n"
                                           "unet: {down_dims: [8, 16], groups: 4, "
                                           "step_embed_dim: 8}\n";
    std::ofstream(dir_ / "train.yaml") << "policy: " << (dir_ / "policy.yaml").string()
                                       << "\nepochs: 3\nbatch_size: 8\nwarmup_steps: 2\n"
                                          "threads: 1\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  TrainOptions Options(const std::string& method, const std::string& out) const {
    TrainOptions o;
    o.method = method;
    o.config_path = (dir_ / "train.yaml").string();
    o.robot_path = robot_;
    o.out_dir = (dir_ / out).string();
    o.seed = 5;
    if (method != "robot_only") o.human_path = human_;
    return o;
  }

  // A diagonal-ish alignment of every human demo to every robot demo.
  std::string WriteAlignment(const std::string& mode) const {
    mapping::AlignmentFile file;
    file.mode = mode;
    file.embodiment = "robotiq";
    file.human_demo_names = {"demo_0", "demo_1", "demo_2"};
    file.robot_demo_names = {"demo_0", "demo_1"};
    file.human_frames = {6, 5, 7};
    file.robot_frames = {12, 10};
    for (int h = 0; h < 3; ++h) {
      for (int r = 0; r < 2; ++r) {
        mapping::AlignedPair pair;
        for (int t = 0; t < file.human_frames[h]; ++t) {
          pair.robot_frame.push_back(t * (file.robot_frames[r] - 1) / (file.human_frames[h] - 1));
        }
        pair.cost = 1.0;
        pair.mean_step_cost = 0.1;
        pair.path_length = file.human_frames[h] + file.robot_frames[r] - 1;
        file.pairs.push_back(pair);
      }
    }
    const std::string path = (dir_ / ("map_" + mode + ".h5")).string();
    mapping::WriteAlignmentFile(path, file);
    return path;
  }

  static std::vector<torch::Tensor> Weights(const std::string& run) {
    std::vector<torch::Tensor> weights;
    for (const auto& p : LoadCheckpoint(run + "/policy").policy->parameters()) {
      weights.push_back(p.detach().clone());
    }
    return weights;
  }
  static bool SameWeights(const std::string& a, const std::string& b) {
    const auto wa = Weights(a), wb = Weights(b);
    if (wa.size() != wb.size()) return false;
    for (size_t i = 0; i < wa.size(); ++i) {
      if (!torch::equal(wa[i], wb[i])) return false;
    }
    return true;
  }

  // Trains `method` for 2 epochs twice with the training-config line `option` and once without:
  // the two with it must match (same seed) and differ from the one without. Returns the first.
  fs::path ExpectOptionReproducibleAndEffective(const std::string& method,
                                                const std::string& option) {
    std::ofstream(dir_ / "option.yaml") << "policy: " << (dir_ / "policy.yaml").string()
                                        << "\nepochs: 2\nbatch_size: 8\nwarmup_steps: 2\n"
                                           "threads: 1\n"
                                        << option << "\n";
    auto options = [&](const std::string& out, bool with_option) {
      TrainOptions o = Options(method, out);
      if (method == "immimic_a") o.map_path = WriteAlignment("action");
      o.epochs = 2;
      if (with_option) o.config_path = (dir_ / "option.yaml").string();
      return o;
    };
    Train(options("with_a", true));
    Train(options("with_b", true));
    Train(options("without", false));
    EXPECT_TRUE(SameWeights((dir_ / "with_a").string(), (dir_ / "with_b").string())) << option;
    EXPECT_FALSE(SameWeights((dir_ / "with_a").string(), (dir_ / "without").string())) << option;
    return dir_ / "with_a";
  }
  // Every config text must be refused by LoadTrainConfig.
  void ExpectRejected(std::initializer_list<const char*> configs) {
    for (const char* bad : configs) {
      std::ofstream(dir_ / "bad.yaml") << bad;
      EXPECT_THROW(LoadTrainConfig((dir_ / "bad.yaml").string()), core::ConfigError) << bad;
    }
  }

  fs::path dir_;
  std::string robot_, human_;
};

TEST(TrainConfig, EmaDecayFollowsDiffusionPolicysSchedule) {
  TrainConfig c;
  EXPECT_EQ(EmaDecay(c, 0), 0.0);  // the first two updates copy the weights
  EXPECT_EQ(EmaDecay(c, 1), 0.0);
  EXPECT_NEAR(EmaDecay(c, 2), 1.0 - std::pow(2.0, -0.75), 1e-12);
  EXPECT_NEAR(EmaDecay(c, 1001), 1.0 - std::pow(1001.0, -0.75), 1e-12);
  EXPECT_EQ(EmaDecay(c, 100000000), 0.9999);
  c.ema_power = 0;
  EXPECT_EQ(EmaDecay(c, 500), 0.0);
}

TEST_F(TrainerTest, RobotOnlyWritesACompleteRunFolder) {
  const TrainSummary s = Train(Options("robot_only", "run"));
  const fs::path run = dir_ / "run";
  for (const char* file : {"config.yaml", "loss.csv", "run.json", "policy/weights.pt",
                           "policy/normalizer.json", "policy/policy.yaml"}) {
    EXPECT_TRUE(fs::exists(run / file)) << file;
  }
  EXPECT_FALSE(fs::exists(dir_ / "run.partial"));
  EXPECT_FALSE(fs::exists(run / "resume"));
  EXPECT_EQ(s.epochs, 3);
  EXPECT_EQ(s.steps, 3 * 3);  // 22 robot frames / batch 8 = 3 steps per epoch
  EXPECT_TRUE(std::isfinite(s.final_loss));
  const TrainedRunInfo info = ReadRunInfo(run.string());
  EXPECT_EQ(info.method, "robot_only");
  EXPECT_EQ(info.task, "push");
  EXPECT_EQ(info.embodiment, "robotiq");
  // a finished run is never overwritten
  EXPECT_THROW(Train(Options("robot_only", "run")), core::InputError);
}

TEST_F(TrainerTest, EveryMethodTrainsOnItsData) {
  const std::string action_map = WriteAlignment("action");
  const std::string visual_map = WriteAlignment("visual");
  for (const auto& method : MethodNames()) {
    TrainOptions o = Options(method, "run_" + method);
    if (method == "immimic_a") o.map_path = action_map;
    if (method == "immimic_v") o.map_path = visual_map;
    const TrainSummary s = Train(o);
    EXPECT_TRUE(std::isfinite(s.final_loss)) << method;
    EXPECT_EQ(s.steps, method == "robot_only" ? 9 : 18) << method;
  }
}

TEST_F(TrainerTest, MissingHumanDataOrAlignmentIsAClearError) {
  TrainOptions o = Options("immimic_a", "run");
  EXPECT_THROW(Train(o), core::InputError);  // no --map
  o.map_path = WriteAlignment("visual");
  EXPECT_THROW(Train(o), core::InputError);  // wrong mode
  o = Options("co_train", "run");
  o.human_path = "";
  EXPECT_THROW(Train(o), core::InputError);
  o.human_path = robot_;  // robot data where human videos belong
  EXPECT_THROW(Train(o), core::InputError);
  o = Options("robot_only", "run");
  o.task = "hammer";
  EXPECT_THROW(Train(o), core::InputError);
}

TEST_F(TrainerTest, RandomShiftIsReproducibleAndChangesTraining) {
  ExpectOptionReproducibleAndEffective("robot_only", "random_shift_px: 2");
  ExpectRejected({"random_shift_px: 17\n"});
}

TEST_F(TrainerTest, ProprioNoiseIsReproducibleAndChangesTraining) {
  const fs::path run = ExpectOptionReproducibleAndEffective("robot_only", "proprio_noise_std: 0.1");
  EXPECT_NE(core::ReadFile((run / "config.yaml").string()).find("proprio_noise_std: 0.1"),
            std::string::npos);
  ExpectRejected({"proprio_noise_std: -0.1\n", "proprio_noise_std: 2\n"});
}

TEST_F(TrainerTest, HumanTimeStretchResamplesHumanVideos) {
  const fs::path run =
      ExpectOptionReproducibleAndEffective("immimic_a", "human_time_stretch: auto");
  // auto: mean robot demo length (12 + 10) / 2 over mean human length (6 + 5 + 7) / 3
  const auto summary = nlohmann::json::parse(core::ReadFile((run / "run.json").string()));
  EXPECT_NEAR(summary.at("human_time_stretch").get<double>(), 11.0 / 6.0, 1e-12);
  // what the weights depend on is recorded with them
  EXPECT_GT(summary.at("threads").get<int>(), 0);
  EXPECT_NE(summary.at("reproducible_with").get<std::string>().find("thread count"),
            std::string::npos);
  EXPECT_NE(core::ReadFile((run / "config.yaml").string()).find("human_time_stretch: auto"),
            std::string::npos);
  std::ofstream(dir_ / "two.yaml") << "human_time_stretch: 2.5\n";
  EXPECT_EQ(LoadTrainConfig((dir_ / "two.yaml").string()).human_time_stretch, 2.5);
  ExpectRejected(
      {"human_time_stretch: 0\n", "human_time_stretch: 40\n", "human_time_stretch: fast\n"});
}

TEST_F(TrainerTest, RobotTimeCompressionReadsRobotDemosAtTheHumansPace) {
  const fs::path run =
      ExpectOptionReproducibleAndEffective("co_train", "robot_time_compression: auto");
  // auto: mean robot demo length (12 + 10) / 2 over mean human length (6 + 5 + 7) / 3
  const auto summary = nlohmann::json::parse(core::ReadFile((run / "run.json").string()));
  EXPECT_NEAR(summary.at("robot_time_compression").get<double>(), 11.0 / 6.0, 1e-12);
  EXPECT_EQ(summary.at("human_time_stretch").get<double>(), 1.0);
  EXPECT_NE(core::ReadFile((run / "config.yaml").string()).find("robot_time_compression: auto"),
            std::string::npos);
  EXPECT_NEAR(ReadRunInfo(run.string()).robot_time_compression, 11.0 / 6.0, 1e-12);
  // robot_only takes the pace from --human too, and cannot guess it without
  std::ofstream(dir_ / "auto.yaml") << "policy: " << (dir_ / "policy.yaml").string()
                                    << "\nepochs: 1\nbatch_size: 8\nthreads: 1\n"
                                       "robot_time_compression: auto\n";
  TrainOptions robot_only = Options("robot_only", "robot_only");
  robot_only.config_path = (dir_ / "auto.yaml").string();
  EXPECT_THROW(Train(robot_only), core::InputError);
  robot_only.human_path = human_;
  Train(robot_only);
  const auto robot_summary =
      nlohmann::json::parse(core::ReadFile((dir_ / "robot_only" / "run.json").string()));
  EXPECT_NEAR(robot_summary.at("robot_time_compression").get<double>(), 11.0 / 6.0, 1e-12);
  ExpectRejected({"robot_time_compression: 0\n", "robot_time_compression: 40\n",
                  "robot_time_compression: fast\n",
                  "robot_time_compression: 4\nhuman_time_stretch: 2\n"});
}

TEST_F(TrainerTest, HumanOnlyTrainsWithoutTheWristCamera) {
  const TrainSummary s = Train(Options("human_only", "run"));
  EXPECT_EQ(s.steps, 18);  // 2 x ceil(22 robot frames / 8) human batches a epoch, 3 epochs
  EXPECT_FALSE(
      LoadCheckpoint((dir_ / "run" / "policy").string()).policy->config().use_wrist_camera);
  const auto loss = core::ReadFile((dir_ / "run" / "loss.csv").string());
  EXPECT_NE(loss.find("\n3,18,"), std::string::npos) << loss;
}

TEST_F(TrainerTest, HandStallFramesAreDroppedFromTheRobotDemos) {
  // the synthetic readout moves 0.02 a frame over a range of 0.72 (still at 0.04 of it), the
  // command 0.1 over 1.9 (moving): every frame but each demo's first and last is a stall
  const fs::path run =
      ExpectOptionReproducibleAndEffective("immimic_a", "hand_stall_tolerance: 0.04");
  const auto summary = nlohmann::json::parse(core::ReadFile((run / "run.json").string()));
  EXPECT_EQ(summary.at("robot_frames").get<int>(), 4);
  EXPECT_EQ(summary.at("robot_frames_dropped").get<int>(), 18);
  EXPECT_NE(core::ReadFile((run / "config.yaml").string()).find("hand_stall_tolerance: 0.04"),
            std::string::npos);
  ExpectRejected({"hand_stall_tolerance: -0.1\n", "hand_stall_tolerance: 1\n"});
}

TEST_F(TrainerTest, IdleToleranceIsReadCheckedAndRecorded) {
  // the synthetic demos move on every frame: nothing is idle, so nothing is dropped
  std::ofstream(dir_ / "idle.yaml") << "policy: " << (dir_ / "policy.yaml").string()
                                    << "\nepochs: 1\nbatch_size: 8\nthreads: 1\n"
                                       "idle_tolerance_m: 0.02\n";
  EXPECT_EQ(LoadTrainConfig((dir_ / "idle.yaml").string()).idle_tolerance_m, 0.02);
  TrainOptions o = Options("robot_only", "idle");
  o.config_path = (dir_ / "idle.yaml").string();
  o.epochs = 1;
  Train(o);
  const auto summary = nlohmann::json::parse(core::ReadFile((dir_ / "idle" / "run.json").string()));
  EXPECT_EQ(summary.at("robot_frames_dropped").get<int>(), 0);
  EXPECT_NE(core::ReadFile((dir_ / "idle" / "config.yaml").string()).find("idle_tolerance_m: 0.02"),
            std::string::npos);
  ExpectRejected({"idle_tolerance_m: -0.01\n", "idle_tolerance_m: 0.5\n"});
}

TEST(TrainConfigFiles, EveryShippedTrainingConfigLoads) {
  const fs::path dir = fs::path(core::ConfigPath("train/default.yaml")).parent_path();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(LoadTrainConfig(entry.path().string())) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 2);
  const TrainConfig recipe = LoadTrainConfig((dir / "robot50.yaml").string());
  EXPECT_EQ(recipe.idle_tolerance_m, 0.01);
  EXPECT_EQ(recipe.epochs, 94);
}

TEST_F(TrainerTest, SameSeedSameWeightsAndResumeMatchesAnUninterruptedRun) {
  Train(Options("random_map", "a"));
  Train(Options("random_map", "b"));
  EXPECT_TRUE(SameWeights((dir_ / "a").string(), (dir_ / "b").string()));

  TrainOptions interrupted = Options("random_map", "c");
  interrupted.stop_after_epochs = 1;
  EXPECT_THROW(Train(interrupted), core::Error);  // stopped: only c.partial exists
  EXPECT_FALSE(fs::exists(dir_ / "c"));
  EXPECT_TRUE(fs::exists(dir_ / "c.partial"));
  EXPECT_THROW(Train(Options("random_map", "c")), core::InputError);  // needs --resume
  TrainOptions resumed = Options("random_map", "c");
  resumed.resume = true;
  Train(resumed);
  EXPECT_TRUE(SameWeights((dir_ / "a").string(), (dir_ / "c").string()));

  TrainOptions other_seed = Options("random_map", "d");
  other_seed.seed = 6;
  Train(other_seed);
  EXPECT_FALSE(SameWeights((dir_ / "a").string(), (dir_ / "d").string()));
}

// Resume files that do not describe the run (found by fuzzing them, tests/fuzz/runs_fuzz.cc) are
// a clear error, not a crash or a silently different training.
TEST_F(TrainerTest, CorruptResumeFilesAreAClearError) {
  TrainOptions interrupted = Options("robot_only", "run");
  interrupted.stop_after_epochs = 1;
  EXPECT_THROW(Train(interrupted), core::Error);
  const fs::path resume = dir_ / "run.partial" / "resume";
  const std::string state = core::ReadFile((resume / "state.json").string());
  const std::string model = core::ReadFile((resume / "model.pt").string());
  TrainOptions resumed = Options("robot_only", "run");
  resumed.resume = true;
  // an archive comes with its SHA-256 in state.json, as if written so: past the damage check
  auto expect_rejected = [&](const std::string& file, const std::string& text) {
    core::WriteFileAtomically((resume / file).string(), text);
    if (file != "state.json") {
      nlohmann::json json = nlohmann::json::parse(state);
      json["sha256"][file] = core::Sha256Hex(text);
      core::WriteFileAtomically((resume / "state.json").string(), json.dump());
    }
    EXPECT_THROW(Train(resumed), core::InputError) << file << ": " << text.substr(0, 60);
  };
  const std::string rows = nlohmann::json::parse(state)["loss_rows"].dump();
  expect_rejected("state.json", R"({"epoch": -1, "steps": 2, "loss_rows": []})");
  expect_rejected("state.json", R"({"epoch": 9, "steps": 2, "loss_rows": )" + rows + "}");
  expect_rejected("state.json", R"({"epoch": 1, "steps": 2, "loss_rows": ["1,2\n3"]})");
  core::WriteFileAtomically((resume / "state.json").string(), state);
  // a network of other sizes (another run's) in place of the model: LibTorch would load it
  std::ofstream(dir_ / "small.yaml")
      << "image_size: 16\naction_horizon: 4\n"
         "encoder: {channels: [4, 8], keypoints: 4, feature_dim: 4}\n"
         "unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}\n";
  std::ofstream(dir_ / "train_small.yaml")
      << "policy: " << (dir_ / "small.yaml").string() << "\nepochs: 3\nbatch_size: 8\nthreads: 1\n";
  TrainOptions small = Options("robot_only", "small");
  small.config_path = (dir_ / "train_small.yaml").string();
  small.stop_after_epochs = 1;
  EXPECT_THROW(Train(small), core::Error);
  const fs::path small_resume = dir_ / "small.partial" / "resume";
  expect_rejected("model.pt", core::ReadFile((small_resume / "model.pt").string()));
  core::WriteFileAtomically((resume / "model.pt").string(), model);
  expect_rejected("optimizer.pt", core::ReadFile((small_resume / "optimizer.pt").string()));
  // a damaged archive never reaches LibTorch's deserialiser
  core::WriteFileAtomically((resume / "state.json").string(), state);
  core::WriteFileAtomically((resume / "model.pt").string(), model.substr(0, model.size() / 2));
  try {
    Train(resumed);
    ADD_FAILURE() << "a damaged model.pt was accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
  }
}

TEST_F(TrainerTest, TrainedRunRollsOutReproduciblyInTheEnv) {
  Train(Options("robot_only", "run"));
  const TrainedRunInfo run = ReadRunInfo((dir_ / "run").string());
  const envs::EnvConfig config = datasets::EnvConfigFromEnvArgs(run.env_args, "run.json");
  EXPECT_EQ(config.task, "push");
  EXPECT_EQ(config.image_width, 16);
  const PolicyFactory factory = TrainedPolicyFactory(run, DefaultExecutorConfig(run));
  benchmarks::RolloutOptions options;
  options.episodes = 2;
  options.max_steps = 4;
  options.seed = 3;
  const benchmarks::RolloutResult a = benchmarks::EvaluatePolicy(config, factory, options);
  options.threads = 1;
  const benchmarks::RolloutResult b = benchmarks::EvaluatePolicy(config, factory, options);
  ASSERT_EQ(a.per_episode.size(), 2u);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(a.per_episode[k].length, 4);
    EXPECT_GT(a.per_episode[k].path_length_m, 0.0);  // the policy moves the arm
    EXPECT_EQ(a.per_episode[k].path_length_m, b.per_episode[k].path_length_m);
  }
  // a folder that is not a finished run
  EXPECT_THROW(ReadRunInfo(dir_.string()), core::InputError);
}

}  // namespace
}  // namespace immimic::agents
