#include "agents/policy_config.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/paths.h"

namespace immimic::agents {
namespace {

PolicyConfig ParseStrict(const std::string& text) {
  const core::YamlNode root = core::YamlNode::LoadString(text, "policy.yaml");
  PolicyConfig config = ParsePolicyConfig(root);
  root.RejectUnknownKeys();
  return config;
}

TEST(PolicyConfig, PartialFileOverridesOnlyItsKeys) {
  const PolicyConfig c = ParseStrict("action_horizon: 32\nunet: {down_dims: [32, 64]}\n");
  EXPECT_EQ(c.action_horizon, 32);
  EXPECT_EQ(c.unet.down_dims, (std::vector<int>{32, 64}));
  EXPECT_EQ(c.unet.kernel_size, PolicyConfig{}.unet.kernel_size);
  EXPECT_EQ(c.obs_horizon, 2);
}

TEST(PolicyConfig, UnknownKeyIsRejectedWithItsPath) {
  try {
    ParseStrict("unet: {down_dim: [32, 64]}\n");
    FAIL() << "expected ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("unet.down_dim"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ParseStrict("image_sise: 64\n"), core::ConfigError);
}

TEST(PolicyConfig, InvalidValuesAreRejected) {
  EXPECT_THROW(ParseStrict("encoder: {type: vit}\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("diffusion: {schedule: linear}\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("diffusion: {prediction: sample}\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("diffusion: {inference_steps: 200}\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("unet: {groups: 7}\n"), core::ConfigError);  // 64 % 7 != 0
  EXPECT_THROW(ParseStrict("unet: {kernel_size: 4}\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("action_horizon: 6\n"), core::ConfigError);  // 3 levels need % 4
  EXPECT_THROW(ParseStrict("tcp_position: yes\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("frame_stride: 0\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("image_size: abc\n"), core::ConfigError);
  EXPECT_THROW(ParseStrict("encoder: {type: resnet18_gn, channels: [16, 32]}\n"),
               core::ConfigError);
}

TEST(PolicyConfig, ResolvedYamlRoundTrips) {
  PolicyConfig c;
  c.encoder.type = "resnet18_gn";
  c.encoder.channels = {32, 64, 128, 256};
  c.unet.down_dims = {32, 64};
  c.action_horizon = 8;
  c.use_wrist_camera = false;
  c.tcp_position = "latest";
  c.frame_stride = 3;
  c.diffusion.clip_sample = false;
  const PolicyConfig back = ParseStrict(PolicyConfigToYaml(c));
  EXPECT_EQ(PolicyConfigToYaml(back), PolicyConfigToYaml(c));
  EXPECT_EQ(back.encoder.channels, c.encoder.channels);
  EXPECT_FALSE(back.use_wrist_camera);
  EXPECT_EQ(back.tcp_position, "latest");
  EXPECT_EQ(back.frame_stride, 3);
  EXPECT_FALSE(back.diffusion.clip_sample);
}

TEST(PolicyConfig, ShippedConfigsLoad) {
  const PolicyConfig defaults = LoadPolicyConfig(core::ConfigPath("policy/default.yaml"));
  EXPECT_EQ(PolicyConfigToYaml(defaults), PolicyConfigToYaml(PolicyConfig{}));
  const PolicyConfig paper = LoadPolicyConfig(core::ConfigPath("policy/paper.yaml"));
  EXPECT_EQ(paper.unet.down_dims, (std::vector<int>{256, 512, 1024}));
  EXPECT_EQ(paper.encoder.type, "resnet18_gn");
  EXPECT_EQ(paper.action_horizon, 32);
}

}  // namespace
}  // namespace immimic::agents
