// Mish, x * tanh(softplus(x)), as one autograd function with a one-exponential kernel (LibTorch).
#pragma once

#include <torch/torch.h>

namespace immimic::agents {

// The same function as torch::nn::functional::mish, to float rounding, for float32 tensors of
// any shape. LibTorch 1.13's kernel evaluates exp, log1p and tanh per element (about 5.6 ns an
// element forward and 12 ns forward + backward on one core here), which made Mish 10 % of a
// default training step (docs/policy.md); this one uses tanh(log(1 + e)) = n / (n + 2) with
// n = e (e + 2), e = exp(x), and the derivative tanh(sp) + x (1 - tanh(sp)^2) sigmoid(x) from the
// same e, each a single vectorised pass split over LibTorch's intra-op threads. Other dtypes fall
// back to the stock function.
torch::Tensor FastMish(const torch::Tensor& x);

// torch::nn::Mish's place in a Sequential, computing FastMish.
class FastMishLayerImpl : public torch::nn::Cloneable<FastMishLayerImpl> {
 public:
  void reset() override {}
  torch::Tensor forward(const torch::Tensor& x) { return FastMish(x); }
};
TORCH_MODULE(FastMishLayer);

}  // namespace immimic::agents
