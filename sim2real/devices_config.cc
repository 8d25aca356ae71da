#include "sim2real/devices_config.h"

#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "sim2real/arm_link.h"

namespace immimic::sim2real {
namespace {

// "" stays "" (no CURVE); a relative path is relative to the config file.
std::string KeyFile(const core::YamlNode& node, const std::string& key) {
  const std::string path = node.Get<std::string>(key);
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(node.file()).parent_path() / path).string();
}

int InRange(const core::YamlNode& node, const std::string& key, int64_t low, int64_t high) {
  const int64_t value = node.Get<int64_t>(key);
  IMMIMIC_THROW_UNLESS(value >= low && value <= high, core::ConfigError, node.Where(), ".", key,
                       ": ", value, " is outside [", low, ", ", high, "]");
  return static_cast<int>(value);
}

std::string NonEmpty(const core::YamlNode& node, const std::string& key) {
  const std::string value = node.Get<std::string>(key);
  IMMIMIC_THROW_UNLESS(!value.empty(), core::ConfigError, node.Where(), ".", key,
                       ": must not be empty");
  return value;
}

ArmLinkSection ReadArm(const core::YamlNode& node) {
  ArmLinkSection arm;
  arm.endpoint = NonEmpty(node, "endpoint");
  arm.timeout = node.Get<double>("timeout");
  IMMIMIC_THROW_UNLESS(std::isfinite(arm.timeout) && arm.timeout > 0 && arm.timeout <= 1,
                       core::ConfigError, node.Where(), ".timeout: ", arm.timeout,
                       " s is not in (0, 1]");
  arm.server_public_key_file = KeyFile(node, "curve_server_public_key_file");
  arm.client_public_key_file = KeyFile(node, "curve_client_public_key_file");
  arm.client_secret_key_file = KeyFile(node, "curve_client_secret_key_file");
  const int given = !arm.server_public_key_file.empty() + !arm.client_public_key_file.empty() +
                    !arm.client_secret_key_file.empty();
  IMMIMIC_THROW_UNLESS(given == 0 || given == 3, core::ConfigError, node.Where(),
                       ": the three curve_*_key_file keys are all set (CURVE) or all \"\"");
  if (given == 0) {
    ArmLinkConfig plain;
    plain.endpoint = arm.endpoint;
    try {
      ValidateArmLinkConfig(plain);
    } catch (const core::InputError& e) {
      throw core::ConfigError(node.Where() + ".endpoint: " + e.what());
    }
  }
  return arm;
}

HandSection ReadHand(const core::YamlNode& node, const std::string& embodiment) {
  static const std::map<std::string, std::string> kEmbodimentOf = {{"robotiq_rtu", "robotiq"},
                                                                   {"robotiq_tcp", "robotiq"},
                                                                   {"dynamixel", "fin_ray"},
                                                                   {"ability", "ability"},
                                                                   {"allegro", "allegro"}};
  HandSection hand;
  hand.type = node.Get<std::string>("type");
  const auto found = kEmbodimentOf.find(hand.type);
  IMMIMIC_THROW_UNLESS(found != kEmbodimentOf.end(), core::ConfigError, node.Where(), ".type: '",
                       hand.type, "' is not a hand of this build (robotiq_rtu, robotiq_tcp, ",
                       "dynamixel, ability, allegro)");
  IMMIMIC_THROW_UNLESS(found->second == embodiment, core::ConfigError, node.Where(),
                       ".type: ", hand.type, " drives the ", found->second, ", not the ",
                       embodiment);
  if (hand.type == "robotiq_tcp") {
    hand.host = NonEmpty(node, "host");
    hand.tcp_port = InRange(node, "tcp_port", 1, 65535);
    return hand;
  }
  if (hand.type == "allegro") {
    hand.interface = NonEmpty(node, "interface");
    hand.hand_id = InRange(node, "hand_id", 0, 3);
    hand.kp = node.Get<double>("kp");
    hand.kd = node.Get<double>("kd");
    IMMIMIC_THROW_UNLESS(
        std::isfinite(hand.kp) && hand.kp > 0 && std::isfinite(hand.kd) && hand.kd >= 0,
        core::ConfigError, node.Where(), ": kp must be positive, kd not negative");
    hand.max_duty = InRange(node, "max_duty", 1, 32767);
    return hand;
  }
  hand.port = NonEmpty(node, "port");
  hand.baud = InRange(node, "baud", 9600, 4000000);  // the serial port checks it is a rate
  if (hand.type == "robotiq_rtu") hand.slave = InRange(node, "slave", 1, 247);
  if (hand.type == "dynamixel") {
    hand.id = InRange(node, "id", 0, 252);
    hand.open_ticks = InRange(node, "open_ticks", 0, 1 << 20);
    hand.closed_ticks = InRange(node, "closed_ticks", 0, 1 << 20);
    IMMIMIC_THROW_UNLESS(hand.open_ticks != hand.closed_ticks, core::ConfigError, node.Where(),
                         ": open_ticks and closed_ticks must differ");
  }
  return hand;
}

std::vector<CameraSection> ReadCameras(const core::YamlNode& node) {
  IMMIMIC_THROW_UNLESS(node.IsMap(), core::ConfigError, node.Where(),
                       ": a map of cameras (agentview, wrist), {} for none");
  std::vector<CameraSection> cameras;
  for (const std::string& name : node.Keys()) {
    IMMIMIC_THROW_UNLESS(name == "agentview" || name == "wrist", core::ConfigError, node.Where(),
                         ".", name, ": cameras are agentview and wrist");
    const core::YamlNode camera = node.Child(name);
    CameraSection c;
    c.name = name;
    c.device = NonEmpty(camera, "device");
    c.width = InRange(camera, "width", 16, 8192);
    c.height = InRange(camera, "height", 16, 8192);
    cameras.push_back(c);
  }
  return cameras;
}

}  // namespace

DevicesConfig ParseDevicesConfig(const core::YamlNode& node, const std::string& embodiment) {
  DevicesConfig devices;
  devices.arm = ReadArm(node.Child("arm"));
  devices.hand = ReadHand(node.Child("hand"), embodiment);
  devices.cameras = ReadCameras(node.Child("cameras"));
  return devices;
}

}  // namespace immimic::sim2real
