#pragma once
// A training method: which data it uses and how it schedules robot, human and MixUp-interpolated
// optimisation steps (docs/paper.md, step 5 and "Baselines"). The trainer (agents/trainer.cc) owns
// the network and the optimiser; a method only answers these questions, so adding one is one small
// class, one YAML file (configs/methods/<name>.yaml) and one line in the registry (methods.cc).
//
// An epoch is one pass over the robot samples: R = ceil(robot samples / batch) robot-sized
// steps. Methods that use human data run 2R steps per epoch, alternating robot and human (or
// mixed) batches as in the paper's co-training, so they see the same robot data as robot_only
// plus as many human batches.
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/strict_yaml.h"

namespace immimic::agents {

enum class StepKind {
  kRobot,  // a batch of robot samples
  kHuman,  // a batch of human samples, used as they are
  kMixed,  // human samples MixUp-interpolated with robot partners (features and action chunks)
};

// Where a human sample of a mixed batch finds its robot partner.
enum class Pairing {
  kRandom,   // any frame of any robot demo
  kAligned,  // the DTW-aligned frame of a robot demo picked at random (the alignment file)
};

// Weight of the human side, a, in z = a z_h + (1 - a) z_r:
//   linear: a = max(0, 1 - epoch / E) with E = horizon * (epochs - 1) when ends_on_robot (the
//           last epoch mixes at a = 0: pure aligned robot partners, as the authors' release
//           with E = 300 of 301 epochs), else E = horizon * epochs (the last epoch at 1/epochs)
//   beta:   a ~ Beta(beta_a, beta_a) every batch (the paper's ablation)
struct MixupSchedule {
  std::string kind = "linear";
  double horizon = 1.0;  // E as a fraction of the run's epochs, so shorter runs keep the shape
  double beta_a = 0.4;
  bool ends_on_robot = true;
  // Reads `mixup: {kind, horizon, beta_a}`; throws core::ConfigError on bad values.
  static MixupSchedule FromYaml(const core::YamlNode& node);
  double Alpha(int epoch, int epochs, core::Rng& rng) const;
};

class Method {
 public:
  virtual ~Method() = default;
  virtual std::string name() const = 0;
  virtual bool uses_human() const = 0;
  // false for a method that trains on human batches only (the policy then has no wrist camera).
  virtual bool trains_on_robot_data() const { return true; }
  // "action" or "visual" when the method pairs through an alignment file of that mode; "" else.
  virtual std::string alignment_mode() const { return ""; }
  virtual Pairing pairing() const { return Pairing::kRandom; }
  // Kinds of the steps of epoch `epoch` (0-based) of `epochs`, in order; robot_steps = R.
  virtual std::vector<StepKind> EpochSteps(int epoch, int epochs, int robot_steps) const = 0;
  // MixUp weight of the human side for one mixed batch.
  virtual double MixAlpha(int epoch, int epochs, core::Rng& rng) const { return 1.0; }
  // The method's settings, for the run's resolved config.
  virtual std::string ResolvedYaml() const = 0;
};

// Names in registration order: robot_only, fine_tune, co_train, random_map, immimic_v,
// immimic_a, human_only.
const std::vector<std::string>& MethodNames();

// Builds a method from its YAML (configs/methods/<name>.yaml unless `config_path` is given).
// Throws core::InputError for an unknown name, core::ConfigError for a bad file.
std::unique_ptr<Method> MakeMethod(const std::string& name, const std::string& config_path = "");

// R robot-sized steps alternating with R steps of `other`: robot, other, robot, other, ...
std::vector<StepKind> Alternate(int robot_steps, StepKind other);

}  // namespace immimic::agents
