// The paper's six methods (docs/paper.md "Baselines") and the diagnostic human_only. Each is a
// small class over Method that names itself (kName); its tunables live in
// configs/methods/<name>.yaml.
#include <cmath>
#include <sstream>

#include "agents/method.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/registry.h"

namespace immimic::agents {
namespace {

std::string Describe(const std::string& name, const std::string& description,
                     const std::string& extra = "") {
  std::ostringstream out;
  out << "name: " << name << "\ndescription: \"" << description << "\"\n" << extra;
  return out.str();
}

std::string DescribeMixup(const MixupSchedule& s) {
  std::ostringstream out;
  out << "mixup:\n  kind: " << s.kind << "\n  horizon: " << s.horizon << "\n  beta_a: " << s.beta_a
      << "\n  ends_on_robot: " << (s.ends_on_robot ? "true" : "false") << "\n";
  return out.str();
}

// Robot demos only.
class RobotOnly : public Method {
 public:
  explicit RobotOnly(const core::YamlNode& yaml)
      : description_(yaml.Get<std::string>("description")) {}
  static constexpr char kName[] = "robot_only";
  std::string name() const override { return kName; }
  bool uses_human() const override { return false; }
  std::vector<StepKind> EpochSteps(int, int, int robot_steps) const override {
    return std::vector<StepKind>(robot_steps, StepKind::kRobot);
  }
  std::string ResolvedYaml() const override { return Describe(name(), description_); }

 private:
  std::string description_;
};

// Human videos first, then robot demos: the first human_fraction of the epochs train on human
// batches only, the rest on robot batches only (2R steps each epoch, like the co-training
// methods, so the robot phase at human_fraction 0.5 sees as many robot batches as robot_only).
class FineTune : public Method {
 public:
  explicit FineTune(const core::YamlNode& yaml)
      : description_(yaml.Get<std::string>("description")),
        human_fraction_(yaml.Get<double>("human_fraction")) {
    IMMIMIC_THROW_UNLESS(human_fraction_ > 0.0 && human_fraction_ < 1.0, core::ConfigError,
                         yaml.Where(), ": human_fraction must be in (0, 1)");
  }
  static constexpr char kName[] = "fine_tune";
  std::string name() const override { return kName; }
  bool uses_human() const override { return true; }
  std::vector<StepKind> EpochSteps(int epoch, int epochs, int robot_steps) const override {
    const int human_epochs = static_cast<int>(std::lround(human_fraction_ * epochs));
    const StepKind kind = epoch < human_epochs ? StepKind::kHuman : StepKind::kRobot;
    return std::vector<StepKind>(2 * static_cast<size_t>(robot_steps), kind);
  }
  std::string ResolvedYaml() const override {
    return Describe(name(), description_,
                    "human_fraction: " + std::to_string(human_fraction_) + "\n");
  }

 private:
  std::string description_;
  double human_fraction_;
};

// Robot and human batches alternate; no mapping, no MixUp.
class CoTrain : public Method {
 public:
  explicit CoTrain(const core::YamlNode& yaml)
      : description_(yaml.Get<std::string>("description")) {}
  static constexpr char kName[] = "co_train";
  std::string name() const override { return kName; }
  bool uses_human() const override { return true; }
  std::vector<StepKind> EpochSteps(int, int, int robot_steps) const override {
    return Alternate(robot_steps, StepKind::kHuman);
  }
  std::string ResolvedYaml() const override { return Describe(name(), description_); }

 private:
  std::string description_;
};

// Retargeted human videos only, as many batches as the co-training methods take in all: how far
// the human data carries by itself on the robot (a diagnostic row, not one of the paper's).
class HumanOnly : public Method {
 public:
  explicit HumanOnly(const core::YamlNode& yaml)
      : description_(yaml.Get<std::string>("description")) {}
  static constexpr char kName[] = "human_only";
  std::string name() const override { return kName; }
  bool uses_human() const override { return true; }
  bool trains_on_robot_data() const override { return false; }
  std::vector<StepKind> EpochSteps(int, int, int robot_steps) const override {
    return std::vector<StepKind>(2 * static_cast<size_t>(robot_steps), StepKind::kHuman);
  }
  std::string ResolvedYaml() const override { return Describe(name(), description_); }

 private:
  std::string description_;
};

// Robot batches alternate with MixUp batches; how partners are found is the subclass's choice.
class MixupMethod : public Method {
 public:
  explicit MixupMethod(const core::YamlNode& yaml)
      : description_(yaml.Get<std::string>("description")),
        schedule_(MixupSchedule::FromYaml(yaml.Child("mixup"))) {}
  bool uses_human() const override { return true; }
  std::vector<StepKind> EpochSteps(int, int, int robot_steps) const override {
    return Alternate(robot_steps, StepKind::kMixed);
  }
  double MixAlpha(int epoch, int epochs, core::Rng& rng) const override {
    return schedule_.Alpha(epoch, epochs, rng);
  }
  std::string ResolvedYaml() const override {
    return Describe(name(), description_, DescribeMixup(schedule_));
  }

 private:
  std::string description_;
  MixupSchedule schedule_;
};

// MixUp with random robot partners: interpolation without a mapping.
class RandomMap : public MixupMethod {
 public:
  using MixupMethod::MixupMethod;
  static constexpr char kName[] = "random_map";
  std::string name() const override { return kName; }
  Pairing pairing() const override { return Pairing::kRandom; }
};

// ImMimic-V: partners from DTW on image features.
class ImMimicVisual : public MixupMethod {
 public:
  using MixupMethod::MixupMethod;
  static constexpr char kName[] = "immimic_v";
  std::string name() const override { return kName; }
  std::string alignment_mode() const override { return "visual"; }
  Pairing pairing() const override { return Pairing::kAligned; }
};

// ImMimic-A: partners from DTW on retargeted actions.
class ImMimicAction : public MixupMethod {
 public:
  using MixupMethod::MixupMethod;
  static constexpr char kName[] = "immimic_a";
  std::string name() const override { return kName; }
  std::string alignment_mode() const override { return "action"; }
  Pairing pairing() const override { return Pairing::kAligned; }
};

using MethodRegistry = core::Registry<Method, const core::YamlNode&>;

template <typename T>
void Add(MethodRegistry* registry) {
  registry->Register(T::kName, [](const core::YamlNode& yaml) -> std::unique_ptr<Method> {
    auto method = std::make_unique<T>(yaml);
    yaml.RejectUnknownKeys();
    return method;
  });
}

// The one list of methods, in the paper's order (then the diagnostic human_only). Adding a
// method: a class above (or in its own file) naming itself with kName, its YAML under
// configs/methods/, and a line here.
const MethodRegistry& Registry() {
  static const MethodRegistry registry = [] {
    MethodRegistry r("method");
    Add<RobotOnly>(&r);
    Add<FineTune>(&r);
    Add<CoTrain>(&r);
    Add<RandomMap>(&r);
    Add<ImMimicVisual>(&r);
    Add<ImMimicAction>(&r);
    Add<HumanOnly>(&r);
    return r;
  }();
  return registry;
}

}  // namespace

const std::vector<std::string>& MethodNames() { return Registry().Names(); }

std::unique_ptr<Method> MakeMethod(const std::string& name, const std::string& config_path) {
  IMMIMIC_THROW_UNLESS(Registry().Contains(name), core::InputError,
                       Registry().UnknownMessage(name));
  const std::string path =
      config_path.empty() ? core::ConfigPath("methods/" + name + ".yaml") : config_path;
  return Registry().Make(name, core::YamlNode::LoadFile(path));
}

}  // namespace immimic::agents
