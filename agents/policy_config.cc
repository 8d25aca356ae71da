#include "agents/policy_config.h"

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace immimic::agents {
namespace {

std::vector<int> GetIntList(const core::YamlNode& node, const std::string& key) {
  const core::YamlNode child = node.Child(key);
  IMMIMIC_THROW_UNLESS(child.IsSequence(), core::ConfigError, child.Where(), ": expected a list");
  std::vector<int> values;
  for (const core::YamlNode& item : child.Items()) values.push_back(item.As<int>());
  return values;
}

EncoderConfig ParseEncoder(const core::YamlNode& node, EncoderConfig c) {
  c.type = node.GetOr<std::string>("type", c.type);
  if (node.Has("channels")) c.channels = GetIntList(node, "channels");
  c.keypoints = node.GetOr<int>("keypoints", c.keypoints);
  c.feature_dim = node.GetOr<int>("feature_dim", c.feature_dim);
  return c;
}

UnetConfig ParseUnet(const core::YamlNode& node, UnetConfig c) {
  if (node.Has("down_dims")) c.down_dims = GetIntList(node, "down_dims");
  c.kernel_size = node.GetOr<int>("kernel_size", c.kernel_size);
  c.groups = node.GetOr<int>("groups", c.groups);
  c.step_embed_dim = node.GetOr<int>("step_embed_dim", c.step_embed_dim);
  return c;
}

DiffusionConfig ParseDiffusion(const core::YamlNode& node, DiffusionConfig c) {
  c.train_steps = node.GetOr<int>("train_steps", c.train_steps);
  c.inference_steps = node.GetOr<int>("inference_steps", c.inference_steps);
  c.schedule = node.GetOr<std::string>("schedule", c.schedule);
  c.clip_sample = node.GetOr<bool>("clip_sample", c.clip_sample);
  c.prediction = node.GetOr<std::string>("prediction", c.prediction);
  return c;
}

}  // namespace

PolicyConfig ParsePolicyConfig(const core::YamlNode& node, PolicyConfig c) {
  c.image_size = node.GetOr<int>("image_size", c.image_size);
  c.obs_horizon = node.GetOr<int>("obs_horizon", c.obs_horizon);
  c.action_horizon = node.GetOr<int>("action_horizon", c.action_horizon);
  c.frame_stride = node.GetOr<int>("frame_stride", c.frame_stride);
  c.use_wrist_camera = node.GetOr<bool>("use_wrist_camera", c.use_wrist_camera);
  c.tcp_position = node.GetOr<std::string>("tcp_position", c.tcp_position);
  if (node.Has("encoder")) c.encoder = ParseEncoder(node.Child("encoder"), c.encoder);
  if (node.Has("unet")) c.unet = ParseUnet(node.Child("unet"), c.unet);
  if (node.Has("diffusion")) c.diffusion = ParseDiffusion(node.Child("diffusion"), c.diffusion);
  try {
    ValidatePolicyConfig(c);
  } catch (const core::ConfigError& e) {
    throw core::ConfigError(node.Where() + ": " + e.what());
  }
  return c;
}

PolicyConfig LoadPolicyConfig(const std::string& path) {
  const core::YamlNode root = core::YamlNode::LoadFile(path);
  PolicyConfig config = ParsePolicyConfig(root);
  root.RejectUnknownKeys();
  return config;
}

void ValidatePolicyConfig(const PolicyConfig& c) {
  IMMIMIC_THROW_UNLESS(c.image_size >= 16 && c.image_size <= 512, core::ConfigError,
                       "image_size must be 16..512, got ", c.image_size);
  IMMIMIC_THROW_UNLESS(c.obs_horizon >= 1 && c.obs_horizon <= 16, core::ConfigError,
                       "obs_horizon must be 1..16, got ", c.obs_horizon);
  IMMIMIC_THROW_UNLESS(c.action_horizon >= 1 && c.action_horizon <= 256, core::ConfigError,
                       "action_horizon must be 1..256, got ", c.action_horizon);
  IMMIMIC_THROW_UNLESS(c.frame_stride >= 1 && c.frame_stride <= 64, core::ConfigError,
                       "frame_stride must be 1..64, got ", c.frame_stride);

  IMMIMIC_THROW_UNLESS(
      c.tcp_position == "history" || c.tcp_position == "latest" || c.tcp_position == "none",
      core::ConfigError, "tcp_position must be history, latest or none, got '", c.tcp_position,
      "'");

  const EncoderConfig& e = c.encoder;
  IMMIMIC_THROW_UNLESS(e.type == "small_cnn" || e.type == "resnet18_gn", core::ConfigError,
                       "encoder.type must be small_cnn or resnet18_gn, got '", e.type, "'");
  const size_t want_channels = e.type == "small_cnn" ? 0 : 4;
  IMMIMIC_THROW_UNLESS(
      want_channels == 0 ? (e.channels.size() >= 2 && e.channels.size() <= 6)
                         : e.channels.size() == want_channels,
      core::ConfigError, "encoder.channels: ",
      e.type == "small_cnn" ? "small_cnn takes 2..6 layers" : "resnet18_gn takes 4 stage widths",
      ", got ", e.channels.size());
  for (int ch : e.channels) {
    IMMIMIC_THROW_UNLESS(ch >= 1 && ch <= 4096, core::ConfigError,
                         "encoder.channels must be 1..4096, got ", ch);
    // resnet18_gn normalises with GroupNorm(ch / 16 groups): widths must be multiples of 16
    IMMIMIC_THROW_UNLESS(e.type != "resnet18_gn" || ch % 16 == 0, core::ConfigError,
                         "encoder.channels for resnet18_gn must be multiples of 16, got ", ch);
  }
  IMMIMIC_THROW_UNLESS(e.keypoints >= 1 && e.keypoints <= 1024, core::ConfigError,
                       "encoder.keypoints must be 1..1024, got ", e.keypoints);
  IMMIMIC_THROW_UNLESS(e.feature_dim >= 1 && e.feature_dim <= 4096, core::ConfigError,
                       "encoder.feature_dim must be 1..4096, got ", e.feature_dim);

  const UnetConfig& u = c.unet;
  IMMIMIC_THROW_UNLESS(!u.down_dims.empty() && u.down_dims.size() <= 6, core::ConfigError,
                       "unet.down_dims must have 1..6 entries, got ", u.down_dims.size());
  IMMIMIC_THROW_UNLESS(u.groups >= 1, core::ConfigError, "unet.groups must be >= 1, got ",
                       u.groups);
  for (int d : u.down_dims) {
    IMMIMIC_THROW_UNLESS(d >= 1 && d <= 8192 && d % u.groups == 0, core::ConfigError,
                         "unet.down_dims entries must be 1..8192 and divisible by unet.groups (",
                         u.groups, "), got ", d);
  }
  IMMIMIC_THROW_UNLESS(u.kernel_size >= 1 && u.kernel_size % 2 == 1 && u.kernel_size <= 31,
                       core::ConfigError, "unet.kernel_size must be odd, 1..31, got ",
                       u.kernel_size);
  IMMIMIC_THROW_UNLESS(u.step_embed_dim >= 4 && u.step_embed_dim % 2 == 0, core::ConfigError,
                       "unet.step_embed_dim must be even and >= 4, got ", u.step_embed_dim);
  // each level but the last halves the time axis
  const int divisor = 1 << (u.down_dims.size() - 1);
  IMMIMIC_THROW_UNLESS(c.action_horizon % divisor == 0, core::ConfigError, "action_horizon (",
                       c.action_horizon, ") must be divisible by ", divisor, " for ",
                       u.down_dims.size(), " U-Net levels");

  const DiffusionConfig& d = c.diffusion;
  IMMIMIC_THROW_UNLESS(d.train_steps >= 2 && d.train_steps <= 10000, core::ConfigError,
                       "diffusion.train_steps must be 2..10000, got ", d.train_steps);
  IMMIMIC_THROW_UNLESS(d.inference_steps >= 1 && d.inference_steps <= d.train_steps,
                       core::ConfigError, "diffusion.inference_steps must be 1..train_steps (",
                       d.train_steps, "), got ", d.inference_steps);
  IMMIMIC_THROW_UNLESS(d.schedule == "squared_cosine", core::ConfigError,
                       "diffusion.schedule must be squared_cosine, got '", d.schedule, "'");
  IMMIMIC_THROW_UNLESS(d.prediction == "epsilon", core::ConfigError,
                       "diffusion.prediction must be epsilon, got '", d.prediction, "'");
}

std::string PolicyConfigToYaml(const PolicyConfig& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "image_size" << YAML::Value << c.image_size;
  out << YAML::Key << "obs_horizon" << YAML::Value << c.obs_horizon;
  out << YAML::Key << "action_horizon" << YAML::Value << c.action_horizon;
  out << YAML::Key << "frame_stride" << YAML::Value << c.frame_stride;
  out << YAML::Key << "use_wrist_camera" << YAML::Value << c.use_wrist_camera;
  out << YAML::Key << "tcp_position" << YAML::Value << c.tcp_position;
  out << YAML::Key << "encoder" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "type" << YAML::Value << c.encoder.type;
  out << YAML::Key << "channels" << YAML::Value << YAML::Flow << c.encoder.channels;
  out << YAML::Key << "keypoints" << YAML::Value << c.encoder.keypoints;
  out << YAML::Key << "feature_dim" << YAML::Value << c.encoder.feature_dim;
  out << YAML::EndMap;
  out << YAML::Key << "unet" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "down_dims" << YAML::Value << YAML::Flow << c.unet.down_dims;
  out << YAML::Key << "kernel_size" << YAML::Value << c.unet.kernel_size;
  out << YAML::Key << "groups" << YAML::Value << c.unet.groups;
  out << YAML::Key << "step_embed_dim" << YAML::Value << c.unet.step_embed_dim;
  out << YAML::EndMap;
  out << YAML::Key << "diffusion" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "train_steps" << YAML::Value << c.diffusion.train_steps;
  out << YAML::Key << "inference_steps" << YAML::Value << c.diffusion.inference_steps;
  out << YAML::Key << "schedule" << YAML::Value << c.diffusion.schedule;
  out << YAML::Key << "clip_sample" << YAML::Value << c.diffusion.clip_sample;
  out << YAML::Key << "prediction" << YAML::Value << c.diffusion.prediction;
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace immimic::agents
