// The paper's six methods (PAPER.md "Baselines"). Each is a small class over Method; its
// tunables live in configs/methods/<name>.yaml.
#include <cmath>
#include <sstream>

#include "agents/method.h"
#include "core/error.h"
#include "core/paths.h"

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
  std::string name() const override { return "robot_only"; }
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
  std::string name() const override { return "fine_tune"; }
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
  std::string name() const override { return "co_train"; }
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
  std::string name() const override { return "human_only"; }
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
  std::string name() const override { return "random_map"; }
  Pairing pairing() const override { return Pairing::kRandom; }
};

// ImMimic-V: partners from DTW on image features.
class ImMimicVisual : public MixupMethod {
 public:
  using MixupMethod::MixupMethod;
  std::string name() const override { return "immimic_v"; }
  std::string alignment_mode() const override { return "visual"; }
  Pairing pairing() const override { return Pairing::kAligned; }
};

// ImMimic-A: partners from DTW on retargeted actions.
class ImMimicAction : public MixupMethod {
 public:
  using MixupMethod::MixupMethod;
  std::string name() const override { return "immimic_a"; }
  std::string alignment_mode() const override { return "action"; }
  Pairing pairing() const override { return Pairing::kAligned; }
};

template <typename T>
std::unique_ptr<Method> Build(const core::YamlNode& yaml) {
  auto method = std::make_unique<T>(yaml);
  yaml.RejectUnknownKeys();
  return method;
}

}  // namespace

const std::vector<std::string>& MethodNames() {
  // adding a method: a class above (or in its own file), configs/methods/<name>.yaml, a name
  // here and a line in MakeMethod
  static const std::vector<std::string> kNames = {"robot_only", "fine_tune", "co_train",
                                                  "random_map", "immimic_v", "immimic_a",
                                                  "human_only"};
  return kNames;
}

std::unique_ptr<Method> MakeMethod(const std::string& name, const std::string& config_path) {
  bool known = false;
  std::string names;
  for (const auto& n : MethodNames()) {
    known = known || n == name;
    names += (names.empty() ? "" : ", ") + n;
  }
  IMMIMIC_THROW_UNLESS(known, core::InputError, "unknown method '", name, "' (known: ", names, ")");
  const std::string path =
      config_path.empty() ? core::ConfigPath("methods/" + name + ".yaml") : config_path;
  const core::YamlNode yaml = core::YamlNode::LoadFile(path);
  if (name == "robot_only") return Build<RobotOnly>(yaml);
  if (name == "fine_tune") return Build<FineTune>(yaml);
  if (name == "co_train") return Build<CoTrain>(yaml);
  if (name == "random_map") return Build<RandomMap>(yaml);
  if (name == "immimic_v") return Build<ImMimicVisual>(yaml);
  if (name == "human_only") return Build<HumanOnly>(yaml);
  return Build<ImMimicAction>(yaml);
}

}  // namespace immimic::agents
