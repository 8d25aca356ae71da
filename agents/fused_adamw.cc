#include "agents/fused_adamw.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace immimic::agents {
namespace {

using torch::optim::AdamWOptions;
using torch::optim::AdamWParamState;

// Elements per task when a parameter is split across LibTorch's intra-op threads.
constexpr int64_t kGrain = 1 << 15;

struct StepConstants {
  float decay;  // 1 - lr * weight_decay
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float inverse_sqrt_bias_correction2;
  float step_size;  // lr / bias_correction1
  float eps;
};

// The stock step's arithmetic, per element: p *= decay; m = b1 m + (1 - b1) g;
// v = b2 v + (1 - b2) g^2; p -= step_size m / (sqrt(v) / sqrt(bc2) + eps).
void UpdateRange(const StepConstants& c, const float* grad, float* param, float* exp_avg,
                 float* exp_avg_sq, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const float g = grad[i];
    const float m = exp_avg[i] * c.beta1 + g * c.one_minus_beta1;
    const float v = exp_avg_sq[i] * c.beta2 + g * g * c.one_minus_beta2;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    const float denom = std::sqrt(v) * c.inverse_sqrt_bias_correction2 + c.eps;
    param[i] = param[i] * c.decay - c.step_size * m / denom;
  }
}

bool Fusable(const torch::Tensor& t) {
  return t.scalar_type() == torch::kFloat32 && t.is_contiguous() && t.device().is_cpu();
}

}  // namespace

FusedAdamW::FusedAdamW(std::vector<torch::Tensor> params, AdamWOptions options)
    : torch::optim::AdamW(std::move(params), options) {
  if (options.amsgrad()) throw std::invalid_argument("FusedAdamW: amsgrad is not implemented");
}

torch::Tensor FusedAdamW::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    auto& options = static_cast<AdamWOptions&>(group.options());
    if (options.amsgrad()) throw std::invalid_argument("FusedAdamW: amsgrad is not implemented");
    const auto [beta1, beta2] = options.betas();
    for (torch::Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      const torch::Tensor grad = p.grad().contiguous();
      if (!Fusable(p) || grad.scalar_type() != torch::kFloat32) {
        throw std::invalid_argument("FusedAdamW: parameters must be contiguous float32 on CPU");
      }
      // the stock AdamW's key, so its checkpoints and ours are interchangeable
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      auto found = state_.find(key);
      if (found == state_.end()) {
        auto state = std::make_unique<AdamWParamState>();
        state->step(0);
        state->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        state->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        found = state_.emplace(key, std::move(state)).first;
      }
      auto& state = static_cast<AdamWParamState&>(*found->second);
      if (!Fusable(state.exp_avg()) || !Fusable(state.exp_avg_sq())) {
        throw std::invalid_argument("FusedAdamW: moment estimates must be contiguous float32");
      }
      state.step(state.step() + 1);
      const double bias_correction1 = 1 - std::pow(beta1, state.step());
      const double bias_correction2 = 1 - std::pow(beta2, state.step());
      const StepConstants c{static_cast<float>(1 - options.lr() * options.weight_decay()),
                            static_cast<float>(beta1),
                            static_cast<float>(1 - beta1),
                            static_cast<float>(beta2),
                            static_cast<float>(1 - beta2),
                            static_cast<float>(1 / std::sqrt(bias_correction2)),
                            static_cast<float>(options.lr() / bias_correction1),
                            static_cast<float>(options.eps())};
      const float* g = grad.data_ptr<float>();
      float* param = p.data_ptr<float>();
      float* m = state.exp_avg().data_ptr<float>();
      float* v = state.exp_avg_sq().data_ptr<float>();
      at::parallel_for(0, p.numel(), kGrain, [&](int64_t begin, int64_t end) {
        UpdateRange(c, g, param, m, v, begin, end);
      });
      // written through raw pointers: tell version watchers (the U-Net's sampling copy) it changed
      p.unsafeGetTensorImpl()->bump_version();
    }
  }
  return loss;
}

void FusedAdamW::CheckLoadedState(const AdamWOptions& expected) const {
  for (const auto& group : param_groups_) {
    const auto& options = static_cast<const AdamWOptions&>(group.options());
    if (options.betas() != expected.betas() || options.eps() != expected.eps() ||
        options.weight_decay() != expected.weight_decay() ||
        options.amsgrad() != expected.amsgrad()) {
      throw std::invalid_argument("optimiser settings differ from the run's configuration");
    }
    for (const torch::Tensor& p : group.params()) {
      const auto found = state_.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
      if (found == state_.end()) continue;  // not stepped yet: step() creates its state
      const auto& state = static_cast<const AdamWParamState&>(*found->second);
      for (const torch::Tensor& moment : {state.exp_avg(), state.exp_avg_sq()}) {
        if (!moment.defined() || !Fusable(moment) || moment.sizes() != p.sizes()) {
          throw std::invalid_argument(
              "a parameter's moment estimates are not float32 of its shape");
        }
      }
      if (state.step() < 0) throw std::invalid_argument("a parameter's step count is negative");
    }
  }
}

}  // namespace immimic::agents
