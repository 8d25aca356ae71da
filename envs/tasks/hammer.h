#pragma once
// hammer-v2: grasp a toy hammer (25 cm, 250 g; v2: head centred on the handle axis) lying on the
// table and strike a nail standing in a fixed block, driving it down. Objects:
// assets/objects/hammer.xml (free), nail_fixture.xml (block: a mocap body placed per episode; nail:
// a vertical slide joint held by dry friction, so it moves only when struck or pressed hard).
// Numbers: configs/tasks/hammer.yaml. Object state: [hammer pose 7, nail pose 7]. Success: the nail
// has been driven down by at least min_drive_depth from its start.

#include "envs/task.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {

struct HammerConfig {
  Range hammer_x, hammer_y;      // hammer origin (middle of the handle) (m)
  Range hammer_yaw;              // rad (degrees in the YAML); 0 = handle along +x, head far
  Range nail_x, nail_y;          // block centre (m)
  double min_drive_depth = 0.0;  // how far the nail must go down (m)
};

HammerConfig ParseHammerConfig(const core::YamlNode& root);

class Hammer : public Task {
 public:
  Hammer();  // configs/tasks/hammer.yaml
  explicit Hammer(HammerConfig config) : config_(config) {}

  std::string id() const override { return "hammer-v2"; }
  std::vector<std::string> ObjectAssets() const override {
    return {"objects/hammer.xml", "objects/nail_fixture.xml"};
  }
  std::vector<std::string> ObjectBodies() const override { return {"hammer", "nail"}; }
  void RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const override;
  bool IsSuccess(const mjModel* m, const mjData* d) const override;
  // 1 on success, else 0.5 * depth / min_drive_depth.
  double Reward(const mjModel* m, const mjData* d) const override;
  const HammerConfig& config() const { return config_; }
  // How far the nail is below its start (m); its start is qpos 0 of nail_joint.
  static double DriveDepth(const mjModel* m, const mjData* d);

  static constexpr double kHammerRestHeight = 0.012;  // origin above the table when lying flat
  // half extents around the origin (head end: 13.1 cm along the handle, 4.5 cm across)
  static constexpr double kHammerHalfLength = 0.135;
  static constexpr double kHammerHalfWidth = 0.045;
  static constexpr double kBlockHalfSize = 0.03;  // 6 x 6 cm block

 protected:
  void BindIds(const mjModel* m) override;

 private:
  HammerConfig config_;
  int nail_qpos_ = -1;  // the nail joint's qpos address
};

}  // namespace immimic::envs
