#pragma once
// Sizes and settings of the Diffusion Policy network (agents/diffusion_policy.h). Defaults are the
// CPU-sized values chosen by measurement (docs/policy.md); configs/policy/paper.yaml holds the
// paper's sizes. A YAML file may set any subset of keys; unknown keys are errors.

#include <string>
#include <vector>

#include "core/strict_yaml.h"

namespace immimic::agents {

struct EncoderConfig {
  std::string type = "small_cnn";  // small_cnn | resnet18_gn (paper)
  // small_cnn: output channels of its conv layers (first two stride 2); resnet18_gn: the widths
  // of its four stages (paper 64/128/256/512).
  std::vector<int> channels{16, 16, 32};
  int keypoints = 32;    // spatial-softmax keypoints (paper 32)
  int feature_dim = 64;  // per-camera feature after the linear layer (paper 64)
};

struct UnetConfig {
  std::vector<int> down_dims{32, 64, 128};  // paper 256/512/1024
  int kernel_size = 5;
  int groups = 8;           // GroupNorm groups; every down dim must be divisible by it
  int step_embed_dim = 32;  // sinusoidal diffusion-step embedding (paper 256)
};

struct DiffusionConfig {
  int train_steps = 100;
  int inference_steps = 10;
  std::string schedule = "squared_cosine";  // the only schedule (diffusers' squaredcos_cap_v2)
  bool clip_sample = true;                  // clip the predicted clean chunk to [-1, 1]
  std::string prediction = "epsilon";       // the only prediction type
};

struct PolicyConfig {
  int image_size = 64;      // square size the encoders see; stored 84x84 images are resized to it
  int obs_horizon = 2;      // frames of observation history (To)
  int action_horizon = 16;  // predicted chunk length (Ta); paper 32
  // Control steps between the policy's frames: observation frames t - k*stride and chunk rows
  // t + j*stride, executed with the rows interpolated over the steps between them. 1 is the
  // paper's 30 Hz policy; 3 makes it a 10 Hz one whose chunk spans 3x the motion.
  int frame_stride = 1;
  bool use_wrist_camera = true;
  // Which observation frames' TCP position (obs/eef_pose[0:3]) the condition gets: history (all
  // obs_horizon frames, as Diffusion Policy), latest (the newest only: the policy still knows where
  // it is but cannot read its own velocity from two positions and extrapolate it, the copycat
  // shortcut of behaviour cloning with history) or none (it must locate itself from the images).
  std::string tcp_position = "history";
  EncoderConfig encoder;
  UnetConfig unet;
  DiffusionConfig diffusion;
};

// Reads the keys present in `node` over `base` and validates. Throws core::ConfigError naming
// the file and key. The caller runs RejectUnknownKeys on the document root.
PolicyConfig ParsePolicyConfig(const core::YamlNode& node, PolicyConfig base = {});
// Loads a whole file strictly (unknown keys are errors).
PolicyConfig LoadPolicyConfig(const std::string& path);
// Throws core::ConfigError describing the first invalid value.
void ValidatePolicyConfig(const PolicyConfig& config);
// Every key, fully resolved; ParsePolicyConfig of this text gives back `config`.
std::string PolicyConfigToYaml(const PolicyConfig& config);

}  // namespace immimic::agents
