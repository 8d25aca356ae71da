// FusedAdamW against LibTorch's AdamW: the same trajectory to float rounding, interchangeable
// checkpoints, and the version bump the U-Net's sampling copy relies on.
#include "agents/fused_adamw.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace immimic::agents {
namespace {

// Sizes that cover a scalar, a small weight and one large enough to be split across threads.
std::vector<torch::Tensor> MakeParameters(uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<torch::Tensor> params;
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{1}, std::vector<int64_t>{7, 5}, std::vector<int64_t>{300, 400}}) {
    params.push_back(torch::randn(shape).requires_grad_(true));
  }
  return params;
}

std::vector<torch::Tensor> Copy(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> out;
  for (const auto& p : params) out.push_back(p.detach().clone().requires_grad_(true));
  return out;
}

// A loss whose gradient differs per element and per step.
void Backward(const std::vector<torch::Tensor>& params, int step) {
  torch::Tensor loss = torch::zeros({});
  for (const auto& p : params) {
    loss = loss + (p * p * (0.5 + 0.1 * step)).sum() + (p.sin() * (1.0 + step)).sum();
  }
  loss.backward();
}

void Step(torch::optim::Optimizer& optimizer, const std::vector<torch::Tensor>& params, int step,
          double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
  optimizer.zero_grad();
  Backward(params, step);
  optimizer.step();
}

void ExpectClose(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-5, 1e-6))
        << "parameter " << i << ": max difference " << (a[i] - b[i]).abs().max().item<float>();
  }
}

const torch::optim::AdamWOptions kOptions =
    torch::optim::AdamWOptions(1e-2).weight_decay(0.05).betas({0.9, 0.99}).eps(1e-8);

TEST(FusedAdamW, FollowsLibTorchAdamW) {
  const std::vector<torch::Tensor> fused_params = MakeParameters(1);
  const std::vector<torch::Tensor> stock_params = Copy(fused_params);
  FusedAdamW fused(fused_params, kOptions);
  torch::optim::AdamW stock(stock_params, kOptions);
  for (int step = 0; step < 6; ++step) {
    const double lr = 1e-2 * (1.0 - 0.1 * step);  // a schedule, as the trainer sets per step
    Step(fused, fused_params, step, lr);
    Step(stock, stock_params, step, lr);
  }
  ExpectClose(fused_params, stock_params);
  // the parameters moved well beyond the tolerance, so the comparison is not vacuous
  EXPECT_GT((fused_params[2] - MakeParameters(1)[2]).abs().max().item<float>(), 1e-2);
}

TEST(FusedAdamW, CheckpointsInterchangeWithLibTorchAdamW) {
  const std::vector<torch::Tensor> params = MakeParameters(2);
  FusedAdamW fused(params, kOptions);
  for (int step = 0; step < 3; ++step) Step(fused, params, step, 1e-2);
  const auto path = std::filesystem::temp_directory_path() / "immimic_fused_adamw_test.pt";
  torch::save(fused, path.string());

  const std::vector<torch::Tensor> fused_params = Copy(params), stock_params = Copy(params);
  FusedAdamW resumed_fused(fused_params, kOptions);
  torch::optim::AdamW resumed_stock(stock_params, kOptions);
  torch::load(resumed_fused, path.string());
  torch::load(resumed_stock, path.string());
  std::filesystem::remove(path);
  for (int step = 3; step < 5; ++step) {
    Step(resumed_fused, fused_params, step, 1e-2);
    Step(resumed_stock, stock_params, step, 1e-2);
  }
  ExpectClose(fused_params, stock_params);
  // a fresh optimizer (no moments) would take a different step: the state was really loaded
  const std::vector<torch::Tensor> fresh_params = Copy(params);
  FusedAdamW fresh(fresh_params, kOptions);
  for (int step = 3; step < 5; ++step) Step(fresh, fresh_params, step, 1e-2);
  EXPECT_FALSE(torch::allclose(fresh_params[2], fused_params[2], 1e-5, 1e-6));
}

TEST(FusedAdamW, BumpsTheParameterVersion) {
  const std::vector<torch::Tensor> params = MakeParameters(3);
  FusedAdamW fused(params, kOptions);
  const auto before = params[1]._version();
  Step(fused, params, 0, 1e-2);
  EXPECT_GT(params[1]._version(), before);
}

TEST(FusedAdamW, RejectsAmsgrad) {
  EXPECT_THROW(FusedAdamW(MakeParameters(4), torch::optim::AdamWOptions(1e-3).amsgrad(true)),
               std::invalid_argument);
}

// A loaded checkpoint whose moments do not fit the parameters (a corrupt resume file) is rejected
// before step() would write through pointers sized by the parameter.
TEST(FusedAdamW, LoadedStateMustFitTheParameters) {
  const std::vector<torch::Tensor> params = MakeParameters(5);
  FusedAdamW fused(params, kOptions);
  Step(fused, params, 0, 1e-2);
  EXPECT_NO_THROW(fused.CheckLoadedState(kOptions));
  EXPECT_THROW(fused.CheckLoadedState(torch::optim::AdamWOptions(kOptions).eps(1e-6)),
               std::invalid_argument);
  auto& state = static_cast<torch::optim::AdamWParamState&>(
      *fused.state().at(c10::guts::to_string(params[2].unsafeGetTensorImpl())));
  state.exp_avg(torch::zeros({3}));
  EXPECT_THROW(fused.CheckLoadedState(kOptions), std::invalid_argument);
  state.exp_avg(torch::zeros_like(params[2], torch::kFloat64));
  EXPECT_THROW(fused.CheckLoadedState(kOptions), std::invalid_argument);
  state.exp_avg(torch::zeros_like(params[2]));
  state.step(-1);
  EXPECT_THROW(fused.CheckLoadedState(kOptions), std::invalid_argument);
}

}  // namespace
}  // namespace immimic::agents
