#include "agents/ddim_scheduler.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/rng.h"

namespace immimic::agents {
namespace {

// Nichol & Dhariwal's alpha-bar(t) = f(t) / f(0), f(t) = cos^2(((t/T) + s) / (1 + s) * pi / 2).
double ClosedFormAlphaBar(int t, int steps) {
  auto f = [](double u) { return std::pow(std::cos((u + 0.008) / 1.008 * M_PI / 2), 2); };
  return f(double(t + 1) / steps) / f(0.0);
}

TEST(DdimScheduler, AlphasMatchSquaredCosineClosedForm) {
  const DdimScheduler s(100, 10, true);
  ASSERT_EQ(s.alphas_cumprod().size(), 100u);
  // every beta but the last is below the 0.999 cap, so the product telescopes to f(t+1)/f(0)
  for (int t = 0; t < 99; ++t) {
    EXPECT_NEAR(s.alphas_cumprod()[t], ClosedFormAlphaBar(t, 100), 1e-12) << t;
    EXPECT_LT(s.betas()[t], 0.999);
  }
  EXPECT_DOUBLE_EQ(s.betas()[99], 0.999);  // f(1) = 0: capped
  EXPECT_NEAR(s.alphas_cumprod()[99], s.alphas_cumprod()[98] * 0.001, 1e-15);
  EXPECT_NEAR(s.alphas_cumprod()[0], 1.0 - s.betas()[0], 1e-15);
  EXPECT_DOUBLE_EQ(s.AlphaCumprod(-10), 1.0);  // set_alpha_to_one
  EXPECT_THROW(s.AlphaCumprod(100), core::InputError);
}

TEST(DdimScheduler, LeadingTimestepsLikeDiffusers) {
  const DdimScheduler s(100, 10, true);
  EXPECT_EQ(s.timesteps(), (std::vector<int>{90, 80, 70, 60, 50, 40, 30, 20, 10, 0}));
  EXPECT_EQ(s.PreviousTimestep(90), 80);
  EXPECT_EQ(s.PreviousTimestep(0), -10);
  const DdimScheduler odd(100, 3, true);  // ratio 33 (integer division), as diffusers
  EXPECT_EQ(odd.timesteps(), (std::vector<int>{66, 33, 0}));
  EXPECT_THROW(DdimScheduler(100, 0, true), core::ConfigError);
  EXPECT_THROW(DdimScheduler(100, 101, true), core::ConfigError);
}

TEST(DdimScheduler, StepMatchesClosedFormEquation) {
  const DdimScheduler s(100, 10, false);
  core::Rng rng(3);
  std::vector<float> x(32), eps(32), out(32);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(rng.Normal());
    eps[i] = static_cast<float>(rng.Normal());
  }
  for (int t : s.timesteps()) {
    s.Step(x.data(), eps.data(), out.data(), x.size(), t);
    const double a = ClosedFormAlphaBar(t, 100);
    const double a_prev = t - 10 < 0 ? 1.0 : ClosedFormAlphaBar(t - 10, 100);
    for (size_t i = 0; i < x.size(); ++i) {
      // DDIM, eta 0 (Song et al. eq. 12)
      const double x0 = (x[i] - std::sqrt(1 - a) * eps[i]) / std::sqrt(a);
      const double expected = std::sqrt(a_prev) * x0 + std::sqrt(1 - a_prev) * eps[i];
      EXPECT_NEAR(out[i], expected, 1e-4 * std::max(1.0, std::abs(expected))) << t << " " << i;
    }
  }
}

TEST(DdimScheduler, ExactNoiseWalksBackToTheCleanSample) {
  const DdimScheduler s(100, 10, true);
  core::Rng rng(7);
  const size_t n = 48;
  std::vector<float> clean(n), noise(n), x(n), next(n), expected(n);
  for (size_t i = 0; i < n; ++i) {
    clean[i] = static_cast<float>(rng.Uniform(-1, 1));
    noise[i] = static_cast<float>(rng.Normal());
  }
  s.AddNoise(clean.data(), noise.data(), x.data(), n, s.timesteps().front());
  for (int t : s.timesteps()) {
    s.Step(x.data(), noise.data(), next.data(), n, t);
    // an oracle noise prediction keeps the sample on q(x_t | x_0) at every DDIM timestep
    if (s.PreviousTimestep(t) >= 0) {
      s.AddNoise(clean.data(), noise.data(), expected.data(), n, s.PreviousTimestep(t));
      for (size_t i = 0; i < n; ++i) EXPECT_NEAR(next[i], expected[i], 1e-4);
    }
    x = next;
  }
  for (size_t i = 0; i < n; ++i) EXPECT_NEAR(x[i], clean[i], 1e-4);
}

TEST(DdimScheduler, ClippingBoundsThePredictedCleanSample) {
  const float x = 0.0f, eps = -5.0f;  // at t = 90 the predicted x0 is far above 1
  const double a_prev = ClosedFormAlphaBar(80, 100);
  float out = 0;
  const DdimScheduler clipped(100, 10, true);
  clipped.Step(&x, &eps, &out, 1, 90);
  EXPECT_NEAR(out, std::sqrt(a_prev) * 1.0 + std::sqrt(1 - a_prev) * eps, 1e-5);
  const DdimScheduler unclipped(100, 10, false);
  float free_out = 0;
  unclipped.Step(&x, &eps, &free_out, 1, 90);
  EXPECT_GT(free_out, out + 1.0f);
}

}  // namespace
}  // namespace immimic::agents
