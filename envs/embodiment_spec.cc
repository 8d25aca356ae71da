#include "envs/embodiment_spec.h"

#include <algorithm>
#include <cmath>

#include "core/paths.h"
#include "core/registry.h"

namespace immimic::envs {

const std::vector<std::string>& EmbodimentNames() {
  // an embodiment is added by files: its MJCF under assets/ and its YAML in configs/embodiments/
  static const std::vector<std::string> kNames = core::ConfigNames("embodiments");
  return kNames;
}

Eigen::VectorXd EmbodimentSpec::OpenHand() const {
  Eigen::VectorXd values(hand_dim());
  for (int i = 0; i < hand_dim(); ++i) values[i] = hand[i].open;
  return values;
}

Eigen::VectorXd EmbodimentSpec::ClosedHand() const {
  Eigen::VectorXd values(hand_dim());
  for (int i = 0; i < hand_dim(); ++i) values[i] = hand[i].closed;
  return values;
}

namespace {

HandDimension ParseHandDimension(const core::YamlNode& node) {
  HandDimension dim;
  dim.name = node.Get<std::string>("name");
  dim.unit = node.Get<std::string>("unit");
  IMMIMIC_THROW_UNLESS(dim.unit == "rad" || dim.unit == "m" || dim.unit == "command",
                       core::ConfigError, node.Where(), ".unit: must be rad, m or command, got '",
                       dim.unit, "'");
  dim.low = node.Get<double>("low");
  dim.high = node.Get<double>("high");
  dim.open = node.Get<double>("open");
  dim.closed = node.Get<double>("closed");
  dim.thumb = node.GetOr<bool>("thumb", false);
  IMMIMIC_THROW_UNLESS(dim.low < dim.high, core::ConfigError, node.Where(),
                       ": low must be below high");
  for (double v : {dim.open, dim.closed}) {
    IMMIMIC_THROW_UNLESS(v >= dim.low && v <= dim.high, core::ConfigError, node.Where(),
                         ": open/closed must lie in [low, high]");
  }
  for (const core::YamlNode& item : node.Child("actuators").Items()) {
    dim.actuators.push_back({item.Get<std::string>("actuator"), item.GetOr<double>("scale", 1.0),
                             item.GetOr<double>("offset", 0.0)});
  }
  IMMIMIC_THROW_UNLESS(!dim.actuators.empty(), core::ConfigError, node.Where(),
                       ".actuators: at least one actuator");
  const core::YamlNode readout = node.Child("readout");
  dim.readout = {readout.Get<std::string>("joint"), readout.GetOr<double>("scale", 1.0),
                 readout.GetOr<double>("offset", 0.0)};
  IMMIMIC_THROW_UNLESS(dim.readout.scale != 0.0, core::ConfigError, readout.Where(),
                       ".scale: must not be 0");
  return dim;
}

}  // namespace

EmbodimentSpec ParseEmbodimentSpec(const core::YamlNode& root) {
  EmbodimentSpec spec;
  spec.name = root.Get<std::string>("name");
  const std::string kind = root.Get<std::string>("kind");
  IMMIMIC_THROW_UNLESS(kind == "robot" || kind == "human", core::ConfigError, root.file(),
                       ": kind must be robot or human, got '", kind, "'");
  spec.kind = kind == "robot" ? EmbodimentKind::kRobot : EmbodimentKind::kHuman;
  spec.asset = root.Get<std::string>("asset");
  if (root.Has("mount")) {
    const core::YamlNode mount = root.Child("mount");
    const auto pos = mount.GetVector("pos", 3);
    const auto quat = mount.GetVector("quat", 4);
    spec.mount_pos = Eigen::Vector3d(pos[0], pos[1], pos[2]);
    spec.mount_quat = Eigen::Quaterniond(quat[0], quat[1], quat[2], quat[3]);
    IMMIMIC_THROW_UNLESS(std::abs(spec.mount_quat.norm() - 1.0) < 1e-3, core::ConfigError,
                         mount.Where(), ".quat: must be a unit quaternion (w, x, y, z)");
  }
  for (const core::YamlNode& item : root.Child("hand").Items()) {
    spec.hand.push_back(ParseHandDimension(item));
  }
  IMMIMIC_THROW_UNLESS(!spec.hand.empty(), core::ConfigError, root.file(),
                       ": hand needs at least one dimension");
  const core::YamlNode keypoints = root.Child("keypoints");
  for (const std::string& key : keypoints.Keys()) {
    int index = -1;
    try {
      index = std::stoi(key);
    } catch (const std::exception&) {
    }
    IMMIMIC_THROW_UNLESS(index >= 0 && index <= 20, core::ConfigError, keypoints.Where(),
                         ": keypoint index must be 0..20, got '", key, "'");
    spec.keypoints[index] = keypoints.Get<std::string>(key);
  }
  root.RejectUnknownKeys();
  return spec;
}

const std::vector<std::string>& RobotEmbodimentNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& name : EmbodimentNames()) {
      if (LoadEmbodimentSpec(name).is_robot()) names.push_back(name);
    }
    return names;
  }();
  return kNames;
}

EmbodimentSpec LoadEmbodimentSpec(const std::string& name) {
  const auto& names = EmbodimentNames();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    throw core::InputError(core::UnknownNameMessage("embodiment", name, names));
  }
  const std::string path = core::ConfigPath("embodiments/" + name + ".yaml");
  EmbodimentSpec spec = ParseEmbodimentSpec(core::YamlNode::LoadFile(path));
  IMMIMIC_THROW_UNLESS(spec.name == name, core::ConfigError, path, ": name '", spec.name,
                       "' does not match the file name");
  return spec;
}

}  // namespace immimic::envs
