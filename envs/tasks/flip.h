#pragma once
// flip-v2: with a spatula, flip a donut over on a plate. Objects: assets/objects/spatula.xml
// (free, 120 g, 1.5 mm blade of low friction), donut.xml (free, 7 cm, 30 g, pink icing on its
// top face), flip_plate.xml (a fixed 12 cm radius plate: a mocap body placed per episode).
// Numbers: configs/tasks/flip.yaml. v1 had a 4 mm blade of friction 0.6 (1 against the donut)
// and a 9 cm plate with the donut anywhere within 2 cm of its centre: a held blade pushed the
// donut instead of getting under it, and a pivot flip moves it further than the plate allowed.
// Object state: [spatula pose 7, donut pose 7, plate pose 7].
// Success: the donut's z axis (icing side) points down, more than min_flip_angle from world up;
// its centre is within max_plate_offset of the plate centre (horizontally), no higher than
// max_height_above_plate above the plate top, and it moves slower than max_speed.

#include "envs/task.h"
#include "envs/tasks/task_common.h"

namespace immimic::envs {

struct FlipConfig {
  Range plate_x, plate_y;                // plate centre (m)
  Range donut_offset_x, donut_offset_y;  // donut centre - plate centre (m)
  Range donut_yaw;                       // rad (degrees in the YAML)
  Range spatula_x, spatula_y;            // blade centre (m)
  Range spatula_yaw;                     // rad; 0 = handle towards the robot (-x), blade tip +x
  double min_flip_angle = 0.0;           // rad (degrees in the YAML)
  double max_plate_offset = 0.0;         // m
  double max_height_above_plate = 0.0;   // donut centre above the plate top (m)
  double max_speed = 0.0;                // m/s
};

FlipConfig ParseFlipConfig(const core::YamlNode& root);

class Flip : public Task {
 public:
  Flip();  // configs/tasks/flip.yaml
  explicit Flip(FlipConfig config) : config_(config) {}

  std::string id() const override { return "flip-v2"; }
  std::vector<std::string> ObjectAssets() const override {
    return {"objects/spatula.xml", "objects/donut.xml", "objects/flip_plate.xml"};
  }
  std::vector<std::string> ObjectBodies() const override {
    return {"spatula", "donut", "flip_plate"};
  }
  void RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const override;
  bool IsSuccess(const mjModel* m, const mjData* d) const override;
  const FlipConfig& config() const { return config_; }

  static constexpr double kPlateRadius = 0.12;
  static constexpr double kPlateThickness = 0.006;
  static constexpr double kDonutTube = 0.009;            // donut origin above what it lies on
  static constexpr double kDonutRadius = 0.035;          // outer radius
  static constexpr double kSpatulaRestHeight = 0.00075;  // blade half thickness
  // half extents around the blade centre (handle end 17.5 cm behind it; blade 3 cm wide)
  static constexpr double kSpatulaHalfLength = 0.175;
  static constexpr double kSpatulaHalfWidth = 0.03;

 protected:
  void BindIds(const mjModel* m) override;

 private:
  FlipConfig config_;
  int donut_ = -1, donut_joint_ = -1, plate_ = -1;
};

}  // namespace immimic::envs
