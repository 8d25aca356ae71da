#include "agents/fast_mish.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace immimic::agents {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Elements per task when a tensor is split across LibTorch's intra-op threads.
constexpr int64_t kGrain = 1 << 14;
// Above this, tanh(softplus(x)) is 1 in float and n = e (e + 2) would overflow.
constexpr float kLinearAbove = 20.0f;

// Eight floats: GCC vector extensions, lowered to AVX2 in the x86-64-v3 clones below and to
// pairs of SSE2 operations in the default ones (plain loops stay scalar: GCC will not if-convert
// the selects).
typedef float Lanes __attribute__((vector_size(32)));
typedef int32_t IntLanes __attribute__((vector_size(32)));
constexpr int kLanes = 8;

// exp(x) in place for x <= kLinearAbove, as Cephes' expf: x = k ln2 + r with |r| <= ln2 / 2, a
// degree-6 polynomial for exp(r), 2^k from the exponent bits; about 1 ulp, 0 below -87. (Helpers
// take vectors by reference: by value would change the calling convention between clones.)
__attribute__((always_inline)) inline void ExpForMish(Lanes& x) {
  const auto underflows = x < -87.0f;  // exp below the normal floats: 0, as libm's expf
  x = underflows ? Lanes{} - 87.0f : x;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const Lanes k = (x * 1.44269504f + kRound) - kRound;
  const Lanes r = (x - k * 0.693359375f) + k * 2.12194440e-4f;
  Lanes p = Lanes{} + 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const IntLanes bits = (__builtin_convertvector(k, IntLanes) + 127) << 23;
  x = underflows ? Lanes{} : p * (Lanes)bits;
}

// In place: x tanh(log(1 + e)) = x n / (n + 2), n = e (e + 2), e = exp(x); x above kLinearAbove.
__attribute__((always_inline)) inline void MishLanes(Lanes& v) {
  Lanes e = v < kLinearAbove ? v : Lanes{} + kLinearAbove;
  ExpForMish(e);
  const Lanes n = e * (e + 2.0f);
  v = v < kLinearAbove ? v * n / (n + 2.0f) : v;
}

// g *= d mish / dx = t + x (1 - t^2) s, t = n / (n + 2), s = sigmoid(x) = e / (1 + e), both
// from one division ((n + 2)(1 + e) stays below 1e27 for x <= kLinearAbove); 1 above it.
__attribute__((always_inline)) inline void MishGradLanes(const Lanes& v, Lanes& g) {
  Lanes e = v < kLinearAbove ? v : Lanes{} + kLinearAbove;
  ExpForMish(e);
  const Lanes n = e * (e + 2.0f);
  const Lanes inverse = 1.0f / ((n + 2.0f) * (1.0f + e));
  const Lanes t = n * (1.0f + e) * inverse;
  const Lanes s = e * (n + 2.0f) * inverse;
  g *= v < kLinearAbove ? t + v * (1.0f - t * t) * s : Lanes{} + 1.0f;
}

// Whole vectors load and store through fixed-size memcpy (unaligned); the tail goes through a
// zero-padded copy.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void MishKernel(const float* x,
                                                                            float* y,
                                                                            int64_t count) {
  const int64_t whole = count - count % kLanes;
  Lanes v;
  for (int64_t i = 0; i < whole; i += kLanes) {
    std::memcpy(&v, x + i, sizeof v);
    MishLanes(v);
    std::memcpy(y + i, &v, sizeof v);
  }
  float tail[kLanes] = {};
  std::copy(x + whole, x + count, tail);
  std::memcpy(&v, tail, sizeof v);
  MishLanes(v);
  std::memcpy(tail, &v, sizeof v);
  std::copy(tail, tail + (count - whole), y + whole);
}

__attribute__((target_clones("arch=x86-64-v3", "default"))) void MishGradKernel(const float* x,
                                                                                const float* grad_y,
                                                                                float* grad_x,
                                                                                int64_t count) {
  const int64_t whole = count - count % kLanes;
  Lanes v, g;
  for (int64_t i = 0; i < whole; i += kLanes) {
    std::memcpy(&v, x + i, sizeof v);
    std::memcpy(&g, grad_y + i, sizeof g);
    MishGradLanes(v, g);
    std::memcpy(grad_x + i, &g, sizeof g);
  }
  float tail_x[kLanes] = {}, tail_g[kLanes] = {};
  std::copy(x + whole, x + count, tail_x);
  std::copy(grad_y + whole, grad_y + count, tail_g);
  std::memcpy(&v, tail_x, sizeof v);
  std::memcpy(&g, tail_g, sizeof g);
  MishGradLanes(v, g);
  std::memcpy(tail_g, &g, sizeof g);
  std::copy(tail_g, tail_g + (count - whole), grad_x + whole);
}

bool UsesFastKernel(const torch::Tensor& x) {
  return x.scalar_type() == torch::kFloat32 && x.device().is_cpu() && x.layout() == torch::kStrided;
}

torch::Tensor Forward(const torch::Tensor& input) {
  const torch::Tensor x = input.contiguous();
  torch::Tensor y = torch::empty_like(x);
  const float* in = x.data_ptr<float>();
  float* out = y.data_ptr<float>();
  at::parallel_for(0, x.numel(), kGrain, [&](int64_t begin, int64_t end) {
    MishKernel(in + begin, out + begin, end - begin);
  });
  return y;
}

torch::Tensor Backward(const torch::Tensor& input, const torch::Tensor& grad_output) {
  const torch::Tensor x = input.contiguous();
  const torch::Tensor g = grad_output.contiguous();
  torch::Tensor grad_input = torch::empty_like(x);
  const float* in = x.data_ptr<float>();
  const float* grad = g.data_ptr<float>();
  float* out = grad_input.data_ptr<float>();
  at::parallel_for(0, x.numel(), kGrain, [&](int64_t begin, int64_t end) {
    MishGradKernel(in + begin, grad + begin, out + begin, end - begin);
  });
  return grad_input;
}

class MishFunction : public torch::autograd::Function<MishFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x) {
    context->save_for_backward({x});
    return Forward(x);
  }
  static tensor_list backward(AutogradContext* context, tensor_list grad_outputs) {
    const torch::Tensor x = context->get_saved_variables()[0];
    return {Backward(x, grad_outputs[0])};
  }
};

}  // namespace

torch::Tensor FastMish(const torch::Tensor& x) {
  if (!UsesFastKernel(x)) return torch::nn::functional::mish(x);
  if (torch::GradMode::is_enabled() && x.requires_grad()) return MishFunction::apply(x);
  return Forward(x);
}

}  // namespace immimic::agents
