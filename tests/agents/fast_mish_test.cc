// FastMish against LibTorch's mish: values and gradients to float rounding over the whole range
// (the linear branch above 20, underflow far below 0, a vector tail), NaN passed through, and
// the same bits whatever the thread count.
#include "agents/fast_mish.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace immimic::agents {
namespace {

namespace F = torch::nn::functional;

// -100..100 in uneven steps plus the points where the kernel switches branch; 2,003 values, not
// a multiple of the 8-lane vector, so the tail path runs too.
torch::Tensor SweepValues() {
  torch::Tensor sweep = torch::linspace(-100.0, 100.0, 2000, torch::kFloat32);
  const torch::Tensor edges = torch::tensor({20.0f, 19.999f, 20.001f}, torch::kFloat32);
  return torch::cat({sweep, edges});
}

TEST(FastMish, MatchesLibTorchMishAndItsGradient) {
  const torch::Tensor x = SweepValues().requires_grad_(true);
  const torch::Tensor expected = F::mish(x);
  const torch::Tensor actual = FastMish(x);
  const torch::Tensor tolerance = 2e-6 * (1.0 + expected.detach().abs());
  EXPECT_TRUE(((actual - expected).abs() <= tolerance).all().item<bool>())
      << "largest difference " << (actual - expected).abs().max().item<float>();

  const torch::Tensor upstream = torch::randn_like(x);
  const torch::Tensor expected_grad = torch::autograd::grad({expected}, {x}, {upstream})[0];
  const torch::Tensor actual_grad = torch::autograd::grad({actual}, {x}, {upstream})[0];
  EXPECT_TRUE(
      ((actual_grad - expected_grad).abs() <= 1e-5 * (1.0 + upstream.abs())).all().item<bool>())
      << "largest difference " << (actual_grad - expected_grad).abs().max().item<float>();
}

TEST(FastMish, KnownValues) {
  // mish(0) = 0, mish'(0) = tanh(ln 2) = 0.6; far below zero both vanish; above 20 it is x.
  const torch::Tensor x = torch::tensor({0.0f, -200.0f, 50.0f, 1.0f}).requires_grad_(true);
  const torch::Tensor y = FastMish(x);
  EXPECT_FLOAT_EQ(y[0].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(y[1].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(y[2].item<float>(), 50.0f);
  EXPECT_NEAR(y[3].item<float>(), std::tanh(std::log1p(std::exp(1.0))), 1e-6);
  y.sum().backward();
  EXPECT_NEAR(x.grad()[0].item<float>(), 0.6f, 1e-6);
  EXPECT_NEAR(x.grad()[1].item<float>(), 0.0f, 1e-6);
  EXPECT_FLOAT_EQ(x.grad()[2].item<float>(), 1.0f);
}

TEST(FastMish, PassesNanThrough) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const torch::Tensor y = FastMish(torch::tensor({nan, 1.0f}));
  EXPECT_TRUE(std::isnan(y[0].item<float>()));
  EXPECT_FALSE(std::isnan(y[1].item<float>()));
}

TEST(FastMish, NonContiguousInputAndOtherDtypes) {
  const torch::Tensor wide = torch::randn({6, 10});
  const torch::Tensor view = wide.t();  // not contiguous
  EXPECT_TRUE(torch::allclose(FastMish(view), F::mish(view), 1e-5, 1e-6));
  EXPECT_EQ(FastMish(view).sizes(), view.sizes());
  const torch::Tensor doubles = torch::randn({5}, torch::kFloat64);
  EXPECT_TRUE(torch::equal(FastMish(doubles), F::mish(doubles)));  // the stock function
}

TEST(FastMish, SameBitsOnOneAndTwoThreads) {
  const int threads = torch::get_num_threads();
  const torch::Tensor x = torch::randn({64, 128, 40}).requires_grad_(true);
  const torch::Tensor upstream = torch::randn_like(x);
  torch::set_num_threads(1);
  const torch::Tensor y1 = FastMish(x);
  const torch::Tensor g1 = torch::autograd::grad({y1}, {x}, {upstream})[0];
  torch::set_num_threads(2);
  const torch::Tensor y2 = FastMish(x);
  const torch::Tensor g2 = torch::autograd::grad({y2}, {x}, {upstream})[0];
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(y1, y2));
  EXPECT_TRUE(torch::equal(g1, g2));
}

}  // namespace
}  // namespace immimic::agents
