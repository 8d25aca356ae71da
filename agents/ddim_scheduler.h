#pragma once
// DDIM noise schedule and update (Song et al. 2021) with the conventions of diffusers'
// DDIMScheduler as Diffusion Policy configures it: squared-cosine betas ("squaredcos_cap_v2",
// Nichol & Dhariwal 2021, each beta clipped at 0.999), "leading" timestep spacing with
// steps_offset 0, set_alpha_to_one, eta 0, epsilon prediction, optional clipping of the predicted
// clean sample to [-1, 1]. Torch-free: the tensor form of the step (agents/diffusion_policy.h)
// uses the coefficients computed here.

#include <cstddef>
#include <vector>

namespace immimic::agents {

class DdimScheduler {
 public:
  // Throws core::ConfigError unless 1 <= inference_steps <= train_steps.
  DdimScheduler(int train_steps, int inference_steps, bool clip_sample);

  int train_steps() const { return static_cast<int>(betas_.size()); }
  bool clip_sample() const { return clip_sample_; }
  // beta_t and alpha-bar_t = prod_{s<=t} (1 - beta_s), t = 0..train_steps-1.
  const std::vector<double>& betas() const { return betas_; }
  const std::vector<double>& alphas_cumprod() const { return alphas_cumprod_; }
  // Inference timesteps, descending: (k * train_steps / inference_steps) for k = n-1..0.
  const std::vector<int>& timesteps() const { return timesteps_; }
  // The timestep a step from `t` lands on: t - train_steps / inference_steps (negative = clean).
  int PreviousTimestep(int t) const { return t - step_ratio_; }
  // alpha-bar at `t`; 1 for t < 0 (set_alpha_to_one). Throws core::InputError if t is too large.
  double AlphaCumprod(int t) const;

  // Forward process q(x_t | x_0): sqrt(abar_t) x0 + sqrt(1 - abar_t) noise, elementwise.
  void AddNoise(const float* clean, const float* noise, float* noisy, size_t n, int t) const;

  // One deterministic DDIM step from timestep t to PreviousTimestep(t) given the predicted noise:
  //   x0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t), clipped to [-1, 1] if clip_sample,
  //   x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps.
  struct StepCoefficients {
    double sqrt_alpha = 0;            // sqrt(abar_t)
    double sqrt_one_minus_alpha = 0;  // sqrt(1 - abar_t)
    double sqrt_alpha_prev = 0;       // sqrt(abar_prev)
    double sqrt_one_minus_alpha_prev = 0;
  };
  StepCoefficients Coefficients(int t) const;
  void Step(const float* sample, const float* epsilon, float* previous, size_t n, int t) const;

 private:
  std::vector<double> betas_;
  std::vector<double> alphas_cumprod_;
  std::vector<int> timesteps_;
  int step_ratio_ = 1;
  bool clip_sample_ = true;
};

}  // namespace immimic::agents
