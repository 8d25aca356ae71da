#include "agents/method.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace immimic::agents {
namespace {

// Gamma(shape, 1) by Marsaglia and Tsang (2000), from the project's portable Rng so that the
// same seed gives the same draws with any standard library.
double SampleGamma(double shape, core::Rng& rng) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a)
    const double u = 1.0 - rng.Uniform(0.0, 1.0);
    return SampleGamma(shape + 1.0, rng) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = rng.Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - rng.Uniform(0.0, 1.0);
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

}  // namespace

MixupSchedule MixupSchedule::FromYaml(const core::YamlNode& node) {
  MixupSchedule schedule;
  schedule.kind = node.GetOr<std::string>("kind", schedule.kind);
  schedule.horizon = node.GetOr<double>("horizon", schedule.horizon);
  schedule.beta_a = node.GetOr<double>("beta_a", schedule.beta_a);
  schedule.ends_on_robot = node.GetOr<bool>("ends_on_robot", schedule.ends_on_robot);
  IMMIMIC_THROW_UNLESS(schedule.kind == "linear" || schedule.kind == "beta", core::ConfigError,
                       node.Where(), ".kind: '", schedule.kind, "' is not linear or beta");
  IMMIMIC_THROW_UNLESS(schedule.horizon > 0.0 && std::isfinite(schedule.horizon), core::ConfigError,
                       node.Where(), ".horizon must be positive");
  IMMIMIC_THROW_UNLESS(schedule.beta_a > 0.0 && std::isfinite(schedule.beta_a), core::ConfigError,
                       node.Where(), ".beta_a must be positive");
  return schedule;
}

double MixupSchedule::Alpha(int epoch, int epochs, core::Rng& rng) const {
  if (kind == "beta") {
    const double x = SampleGamma(beta_a, rng), y = SampleGamma(beta_a, rng);
    return x / (x + y);
  }
  const int span = ends_on_robot ? epochs - 1 : epochs;
  if (span < 1) return 1.0;  // a one-epoch run has only its first epoch
  const double horizon_epochs = horizon * span;
  return std::max(0.0, 1.0 - epoch / horizon_epochs);
}

std::vector<StepKind> Alternate(int robot_steps, StepKind other) {
  std::vector<StepKind> steps;
  steps.reserve(2 * static_cast<size_t>(robot_steps));
  for (int i = 0; i < robot_steps; ++i) {
    steps.push_back(StepKind::kRobot);
    steps.push_back(other);
  }
  return steps;
}

}  // namespace immimic::agents
