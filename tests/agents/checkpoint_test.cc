#include "agents/checkpoint.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::agents {
namespace {
namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("immimic_checkpoint_test_" + std::to_string(getpid())))
               .string();
    fs::remove_all(dir_);
    config_.image_size = 24;
    config_.action_horizon = 8;
    config_.encoder.channels = {8, 16};
    config_.encoder.keypoints = 8;
    config_.encoder.feature_dim = 16;
    config_.unet.down_dims = {16, 32};
    config_.unet.step_embed_dim = 16;
  }
  void TearDown() override { fs::remove_all(dir_); }

  ObservationBatch Batch() const {
    torch::manual_seed(2);
    ObservationBatch b;
    b.agentview = torch::rand({2, 2, 3, 30, 30});
    b.wrist = torch::rand({2, 2, 3, 30, 30});
    b.proprio = torch::randn({2, 2, 4});
    return b;
  }
  PolicyNormalizer Normalizer() const {
    return {MinMaxNormalizer(std::vector<double>(7, -1.0), std::vector<double>(7, 2.0)),
            MinMaxNormalizer(std::vector<double>(4, 0.0), std::vector<double>(4, 1.0))};
  }

  std::string dir_;
  PolicyConfig config_;
};

TEST_F(CheckpointTest, RoundTripGivesIdenticalActions) {
  torch::set_num_threads(1);
  DiffusionPolicy policy(config_, 4, 7, 5);
  // move the weights off their initial values so the round trip is not trivially "same seed"
  torch::optim::SGD sgd(policy->parameters(), 0.1);
  policy->Loss(policy->Encode(Batch()), torch::zeros({2, 8, 7})).backward();
  sgd.step();
  SaveCheckpoint(dir_, policy, Normalizer());
  for (const char* name : {"policy.yaml", "normalizer.json", "weights.pt", "policy.json"}) {
    EXPECT_TRUE(fs::is_regular_file(fs::path(dir_) / name)) << name;
  }
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 4);

  PolicyCheckpoint loaded = LoadCheckpoint(dir_);
  EXPECT_EQ(PolicyConfigToYaml(loaded.config), PolicyConfigToYaml(config_));
  EXPECT_EQ(loaded.normalizer.action.high(), Normalizer().action.high());
  const torch::Tensor expected = policy->Sample(policy->Encode(Batch()), 17);
  const torch::Tensor actual = loaded.policy->Sample(loaded.policy->Encode(Batch()), 17);
  EXPECT_TRUE(torch::equal(expected, actual));
}

TEST_F(CheckpointTest, BrokenFoldersAreInputErrorsNamingTheFile) {
  DiffusionPolicy policy(config_, 4, 7, 5);
  auto expect_error = [&](const std::string& needle) {
    try {
      LoadCheckpoint(dir_);
      FAIL() << "expected InputError mentioning " << needle;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error(dir_);  // no folder
  SaveCheckpoint(dir_, policy, Normalizer());

  fs::remove(fs::path(dir_) / "weights.pt");
  expect_error("weights.pt");

  SaveCheckpoint(dir_, policy, Normalizer());
  std::ofstream(fs::path(dir_) / "weights.pt", std::ios::trunc) << "not a torch archive";
  expect_error("weights.pt: damaged");  // its SHA-256 differs from policy.json's
  // a checkpoint from before the SHA-256 was recorded: LibTorch's own error, as an InputError
  nlohmann::json meta = nlohmann::json::parse(core::ReadFile(dir_ + "/policy.json"));
  meta.erase("weights_sha256");
  std::ofstream(fs::path(dir_) / "policy.json", std::ios::trunc) << meta.dump();
  expect_error("weights.pt: corrupt or unreadable");

  // a config whose network has other shapes than the stored weights
  SaveCheckpoint(dir_, policy, Normalizer());
  PolicyConfig wider = config_;
  wider.unet.down_dims = {32, 64};
  std::ofstream(fs::path(dir_) / "policy.yaml", std::ios::trunc) << PolicyConfigToYaml(wider);
  expect_error("weights.pt");

  SaveCheckpoint(dir_, policy, Normalizer());
  std::ofstream(fs::path(dir_) / "normalizer.json", std::ios::trunc) << "{\"action\": 3";
  expect_error("normalizer.json");

  SaveCheckpoint(dir_, policy, Normalizer());
  std::ofstream(fs::path(dir_) / "policy.yaml", std::ios::app) << "extra_key: 1\n";
  expect_error("policy.yaml");

  PolicyNormalizer wrong = Normalizer();
  wrong.proprio = MinMaxNormalizer({0.0}, {1.0});
  EXPECT_THROW(SaveCheckpoint(dir_, policy, wrong), core::InputError);
}

}  // namespace
}  // namespace immimic::agents
