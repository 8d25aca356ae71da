// AdamW with its per-parameter update done in one pass over memory (LibTorch).
#pragma once

#include <torch/torch.h>

namespace immimic::agents {

// torch::optim::AdamW (decoupled weight decay, no amsgrad) whose step() updates each parameter,
// its two moment estimates and its weight decay in one loop instead of LibTorch's eight tensor
// operations, each a pass over memory plus scalar-tensor overhead: the stock step took 13 % of a
// default training step on one thread (docs/policy.md). Same options, same per-parameter state
// (AdamWParamState), so checkpoints written by either load in the other; results agree with the
// stock step to float rounding (tests/agents/fused_adamw_test.cc).
class FusedAdamW : public torch::optim::AdamW {
 public:
  // Throws std::invalid_argument for amsgrad, which this step does not implement.
  FusedAdamW(std::vector<torch::Tensor> params, torch::optim::AdamWOptions options);

  torch::Tensor step(LossClosure closure = nullptr) override;

  // After loading a checkpoint: throws std::invalid_argument if a group's settings other than the
  // learning rate (which the trainer sets every step) differ from `expected`, or if a parameter's
  // moment estimates are not contiguous float32 of its shape, or its step count is negative: the
  // step writes through raw pointers sized by the parameter, so a corrupt file must stop here.
  void CheckLoadedState(const torch::optim::AdamWOptions& expected) const;
};

}  // namespace immimic::agents
