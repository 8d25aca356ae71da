#include "sim2real/hardware_config.h"

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "core/paths.h"
#include "core/strict_yaml.h"
#include "envs/embodiment_spec.h"

namespace immimic::sim2real {
namespace {

double Positive(const core::YamlNode& node, const std::string& key) {
  const double value = node.Get<double>(key);
  IMMIMIC_THROW_UNLESS(std::isfinite(value) && value > 0, core::ConfigError, node.Where(), ".", key,
                       ": must be positive, got ", value);
  return value;
}

SafetyLimits ReadSafety(const core::YamlNode& node, const envs::EmbodimentSpec& embodiment) {
  SafetyLimits s;
  s.workspace_low = Eigen::Vector3d(node.GetVector("workspace_low", 3).data());
  s.workspace_high = Eigen::Vector3d(node.GetVector("workspace_high", 3).data());
  IMMIMIC_THROW_UNLESS((s.workspace_low.array() < s.workspace_high.array()).all(),
                       core::ConfigError, node.Where(),
                       ": workspace_low must be below workspace_high on every axis");
  s.max_tcp_speed = Positive(node, "max_tcp_speed");
  s.max_tcp_step = Positive(node, "max_tcp_step");
  s.max_rotation_step = Positive(node, "max_rotation_step_deg") * M_PI / 180.0;
  s.max_hand_rate = Positive(node, "max_hand_rate");
  const int dims = static_cast<int>(embodiment.hand.size());
  s.hand_low.resize(dims);
  s.hand_high.resize(dims);
  for (int i = 0; i < dims; ++i) {
    s.hand_low[i] = embodiment.hand[i].low;
    s.hand_high[i] = embodiment.hand[i].high;
  }
  return s;
}

WatchdogLimits ReadWatchdog(const core::YamlNode& node) {
  WatchdogLimits w;
  w.max_frame_age = Positive(node, "max_frame_age");
  w.max_state_age = Positive(node, "max_state_age");
  w.max_missed_deadlines = static_cast<int>(Positive(node, "max_missed_deadlines"));
  w.hold_before_stop = Positive(node, "hold_before_stop");
  return w;
}

}  // namespace

HardwareConfig LoadHardwareConfig(const std::string& name_or_file) {
  const std::string path = core::NamedConfigPath("hardware", "hardware", name_or_file);
  const core::YamlNode root = core::YamlNode::LoadFile(path);
  HardwareConfig h;
  h.name = std::filesystem::path(path).stem().string();
  h.embodiment = root.Get<std::string>("embodiment");
  const envs::EmbodimentSpec embodiment = envs::LoadEmbodimentSpec(h.embodiment);
  IMMIMIC_THROW_UNLESS(embodiment.is_robot(), core::ConfigError, root.Where(),
                       ".embodiment: the bridge drives robots, not the ", h.embodiment);
  h.backend = root.Get<std::string>("backend");
  IMMIMIC_THROW_UNLESS(h.backend == "sim" || h.backend == "devices", core::ConfigError,
                       root.Where(), ".backend: '", h.backend,
                       "' is not a backend of this build (sim, devices)");
  h.control_hz = Positive(root, "control_hz");
  h.safety = ReadSafety(root.Child("safety"), embodiment);
  h.watchdog = ReadWatchdog(root.Child("watchdog"));
  h.estop_file = root.Get<std::string>("estop_file");
  // the other backend's block is an unknown key
  if (h.backend == "sim") {
    h.sim_seed = root.Child("sim").Get<uint64_t>("seed");
  } else {
    h.devices = ParseDevicesConfig(root.Child("devices"), h.embodiment);
  }
  root.RejectUnknownKeys();
  return h;
}

}  // namespace immimic::sim2real
