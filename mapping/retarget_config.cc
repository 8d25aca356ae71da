#include "mapping/retarget_config.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"

namespace immimic::mapping {
namespace {

KeypointPair ParsePair(const core::YamlNode& node) {
  KeypointPair pair;
  pair.human = node.Get<int>("human");
  IMMIMIC_THROW_UNLESS(pair.human >= 0 && pair.human <= 20, core::ConfigError, node.Where(),
                       ".human: MediaPipe index must be 0..20, got ", pair.human);
  pair.site = node.Get<std::string>("site");
  pair.weight = node.GetOr<double>("weight", 1.0);
  IMMIMIC_THROW_UNLESS(std::isfinite(pair.weight) && pair.weight > 0.0, core::ConfigError,
                       node.Where(), ".weight: must be > 0");
  return pair;
}

void RequireRange(const core::YamlNode& root, const std::string& key, double value, double low,
                  double high, bool low_open) {
  const bool ok = std::isfinite(value) && (low_open ? value > low : value >= low) && value <= high;
  IMMIMIC_THROW_UNLESS(ok, core::ConfigError, root.file(), ": ", key, ": ", value, " must lie in ",
                       low_open ? "(" : "[", low, ", ", high, "]");
}

}  // namespace

RetargetConfig ParseRetargetConfig(const core::YamlNode& root) {
  RetargetConfig c;
  c.embodiment = root.Get<std::string>("embodiment");
  const core::YamlNode mount = root.Child("mount");
  const auto pos = mount.GetVector("pos", 3);
  const auto quat = mount.GetVector("quat", 4);
  c.mount_pos = Eigen::Vector3d(pos[0], pos[1], pos[2]);
  c.mount_quat = Eigen::Quaterniond(quat[0], quat[1], quat[2], quat[3]);
  IMMIMIC_THROW_UNLESS(std::abs(c.mount_quat.norm() - 1.0) < 1e-3, core::ConfigError, mount.Where(),
                       ".quat: must be a unit quaternion (w, x, y, z)");
  c.mount_quat.normalize();
  const std::string objective = root.Get<std::string>("objective");
  IMMIMIC_THROW_UNLESS(objective == "keypoints" || objective == "aperture", core::ConfigError,
                       root.file(), ": objective must be keypoints or aperture, got '", objective,
                       "'");
  c.objective =
      objective == "keypoints" ? RetargetObjective::kKeypoints : RetargetObjective::kAperture;
  for (const core::YamlNode& item : root.Child("keypoints").Items()) {
    c.keypoints.push_back(ParsePair(item));
  }
  IMMIMIC_THROW_UNLESS(!c.keypoints.empty(), core::ConfigError, root.file(),
                       ": keypoints: at least one pair");
  if (c.objective == RetargetObjective::kAperture) {
    IMMIMIC_THROW_UNLESS(c.keypoints.size() == 2, core::ConfigError, root.file(),
                         ": keypoints: the aperture objective takes exactly two pairs, got ",
                         c.keypoints.size());
    c.aperture_offset = root.Get<double>("aperture_offset");
    IMMIMIC_THROW_UNLESS(std::isfinite(c.aperture_offset), core::ConfigError, root.file(),
                         ": aperture_offset must be finite");
  }
  c.alpha = root.Get<double>("alpha");
  RequireRange(root, "alpha", c.alpha, 0.0, 10.0, true);
  c.beta = root.Get<double>("beta");
  RequireRange(root, "beta", c.beta, 0.0, 1.0, false);
  c.filter = root.Get<double>("filter");
  RequireRange(root, "filter", c.filter, 0.0, 1.0, true);
  c.pose_filter = root.Get<double>("pose_filter");
  RequireRange(root, "pose_filter", c.pose_filter, 0.0, 1.0, true);
  c.max_iterations = root.GetOr<int>("max_iterations", c.max_iterations);
  IMMIMIC_THROW_UNLESS(c.max_iterations >= 1 && c.max_iterations <= 1000, core::ConfigError,
                       root.file(), ": max_iterations must be 1..1000");
  const std::string push_contact = root.GetOr<std::string>("push_contact", "wrist");
  IMMIMIC_THROW_UNLESS(push_contact == "wrist" || push_contact == "expert", core::ConfigError,
                       root.file(), ": push_contact must be wrist or expert, got '", push_contact,
                       "'");
  c.push_contact = push_contact == "expert" ? PushContact::kExpert : PushContact::kWrist;
  root.RejectUnknownKeys();
  return c;
}

RetargetConfig LoadRetargetConfig(const std::string& embodiment) {
  const std::string path = core::ConfigPath("retarget/" + embodiment + ".yaml");
  RetargetConfig config = ParseRetargetConfig(core::YamlNode::LoadFile(path));
  IMMIMIC_THROW_UNLESS(config.embodiment == embodiment, core::ConfigError, path, ": embodiment '",
                       config.embodiment, "' does not match the file name");
  return config;
}

std::string RetargetConfigJson(const RetargetConfig& c) {
  nlohmann::json j;
  j["embodiment"] = c.embodiment;
  j["mount"] = {{"pos", {c.mount_pos.x(), c.mount_pos.y(), c.mount_pos.z()}},
                {"quat", {c.mount_quat.w(), c.mount_quat.x(), c.mount_quat.y(), c.mount_quat.z()}}};
  j["objective"] = c.objective == RetargetObjective::kKeypoints ? "keypoints" : "aperture";
  j["keypoints"] = nlohmann::json::array();
  for (const KeypointPair& p : c.keypoints) {
    j["keypoints"].push_back({{"human", p.human}, {"site", p.site}, {"weight", p.weight}});
  }
  if (c.objective == RetargetObjective::kAperture) j["aperture_offset"] = c.aperture_offset;
  j["alpha"] = c.alpha;
  j["beta"] = c.beta;
  j["filter"] = c.filter;
  j["pose_filter"] = c.pose_filter;
  j["max_iterations"] = c.max_iterations;
  j["push_contact"] = c.push_contact == PushContact::kExpert ? "expert" : "wrist";
  if (!c.contact_pos.isZero() || !c.contact_quat.isApprox(Eigen::Quaterniond::Identity())) {
    j["contact"] = {
        {"pos", {c.contact_pos.x(), c.contact_pos.y(), c.contact_pos.z()}},
        {"quat", {c.contact_quat.w(), c.contact_quat.x(), c.contact_quat.y(), c.contact_quat.z()}}};
  }
  return j.dump();
}

}  // namespace immimic::mapping
