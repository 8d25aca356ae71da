#include "agents/ddim_scheduler.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace immimic::agents {
namespace {

// alpha-bar(s) of the squared-cosine schedule at s in [0, 1] (offset 0.008 as in the paper).
double CosineAlphaBar(double s) {
  const double angle = (s + 0.008) / 1.008 * M_PI / 2.0;
  return std::cos(angle) * std::cos(angle);
}

}  // namespace

DdimScheduler::DdimScheduler(int train_steps, int inference_steps, bool clip_sample)
    : clip_sample_(clip_sample) {
  IMMIMIC_THROW_UNLESS(train_steps >= 2, core::ConfigError,
                       "diffusion train_steps must be >= 2, got ", train_steps);
  IMMIMIC_THROW_UNLESS(inference_steps >= 1 && inference_steps <= train_steps, core::ConfigError,
                       "diffusion inference_steps must be 1..", train_steps, ", got ",
                       inference_steps);
  constexpr double kMaxBeta = 0.999;
  betas_.resize(train_steps);
  alphas_cumprod_.resize(train_steps);
  double product = 1.0;
  for (int i = 0; i < train_steps; ++i) {
    const double ratio =
        CosineAlphaBar(double(i + 1) / train_steps) / CosineAlphaBar(double(i) / train_steps);
    betas_[i] = std::min(1.0 - ratio, kMaxBeta);
    product *= 1.0 - betas_[i];
    alphas_cumprod_[i] = product;
  }
  // "leading" spacing: 0, r, 2r, ... (r = train / inference, integer division), descending
  step_ratio_ = train_steps / inference_steps;
  for (int k = inference_steps - 1; k >= 0; --k) timesteps_.push_back(k * step_ratio_);
}

double DdimScheduler::AlphaCumprod(int t) const {
  IMMIMIC_THROW_UNLESS(t < train_steps(), core::InputError, "diffusion timestep ", t,
                       " is outside 0..", train_steps() - 1);
  return t < 0 ? 1.0 : alphas_cumprod_[t];
}

void DdimScheduler::AddNoise(const float* clean, const float* noise, float* noisy, size_t n,
                             int t) const {
  IMMIMIC_THROW_UNLESS(t >= 0, core::InputError, "diffusion timestep must be >= 0, got ", t);
  const double a = AlphaCumprod(t);
  const double sa = std::sqrt(a), sb = std::sqrt(1.0 - a);
  for (size_t i = 0; i < n; ++i) noisy[i] = static_cast<float>(sa * clean[i] + sb * noise[i]);
}

DdimScheduler::StepCoefficients DdimScheduler::Coefficients(int t) const {
  IMMIMIC_THROW_UNLESS(t >= 0, core::InputError, "diffusion timestep must be >= 0, got ", t);
  const double a = AlphaCumprod(t);
  const double a_prev = AlphaCumprod(PreviousTimestep(t));
  return {std::sqrt(a), std::sqrt(1.0 - a), std::sqrt(a_prev), std::sqrt(1.0 - a_prev)};
}

void DdimScheduler::Step(const float* sample, const float* epsilon, float* previous, size_t n,
                         int t) const {
  const StepCoefficients c = Coefficients(t);
  for (size_t i = 0; i < n; ++i) {
    double x0 = (sample[i] - c.sqrt_one_minus_alpha * epsilon[i]) / c.sqrt_alpha;
    if (clip_sample_) x0 = std::clamp(x0, -1.0, 1.0);
    previous[i] =
        static_cast<float>(c.sqrt_alpha_prev * x0 + c.sqrt_one_minus_alpha_prev * epsilon[i]);
  }
}

}  // namespace immimic::agents
