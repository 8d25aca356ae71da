#include "agents/eigen_unet.h"

#include <gtest/gtest.h>

#include "agents/diffusion_policy.h"
#include "core/error.h"

namespace immimic::agents {
namespace {

namespace F = torch::nn::functional;

MatrixF FromTensor(const torch::Tensor& t) {  // [C, T]
  const torch::Tensor c = t.contiguous();
  return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      c.data_ptr<float>(), c.size(0), c.size(1));
}

VectorF VectorFrom(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return Eigen::Map<const VectorF>(c.data_ptr<float>(), c.numel());
}

float MaxDifference(const MatrixF& eigen, const torch::Tensor& reference) {
  return (eigen - FromTensor(reference)).cwiseAbs().maxCoeff();
}

TEST(EigenUnetLayers, Conv1dMatchesLibTorchForEveryKernelStrideAndPadding) {
  torch::manual_seed(3);
  for (auto [kernel, stride, padding] : {std::tuple{5, 1, 2}, {3, 2, 1}, {1, 1, 0}, {4, 2, 0}}) {
    const torch::Tensor x = torch::randn({6, 16}), w = torch::randn({9, 6, kernel}),
                        b = torch::randn({9});
    Conv1dWeights conv;
    conv.weight = FromTensor(w.permute({0, 2, 1}).reshape({9, 6 * kernel}));  // tap-major
    conv.bias = VectorFrom(b);
    conv.kernel = kernel;
    conv.stride = stride;
    conv.padding = padding;
    const torch::Tensor reference = torch::conv1d(x.unsqueeze(0), w, b, stride, padding).squeeze(0);
    const MatrixF got = Conv1d(conv, FromTensor(x));
    ASSERT_EQ(got.cols(), reference.size(1)) << "kernel " << kernel << " stride " << stride;
    EXPECT_LT(MaxDifference(got, reference), 1e-5) << "kernel " << kernel << " stride " << stride;
  }
}

TEST(EigenUnetLayers, ConvTranspose1dMatchesLibTorch) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::randn({5, 8}), w = torch::randn({5, 7, 4}), b = torch::randn({7});
  ConvTranspose1dWeights conv;
  conv.weight = FromTensor(w.permute({1, 2, 0}).reshape({7 * 4, 5}));
  conv.bias = VectorFrom(b);
  conv.kernel = 4;
  conv.stride = 2;
  conv.padding = 1;
  const torch::Tensor reference =
      torch::conv_transpose1d(x.unsqueeze(0), w, b, /*stride=*/2, /*padding=*/1).squeeze(0);
  const MatrixF got = ConvTranspose1d(conv, FromTensor(x));
  ASSERT_EQ(got.cols(), 16);
  EXPECT_LT(MaxDifference(got, reference), 1e-5);
}

TEST(EigenUnetLayers, GroupNormAndMishMatchLibTorch) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({8, 6}) * 8 + 1, gamma = torch::randn({8}),
                      beta = torch::randn({8});
  GroupNormWeights norm{VectorFrom(gamma), VectorFrom(beta), 4, 1e-5f};
  MatrixF got = FromTensor(x);
  GroupNormInPlace(norm, &got);
  const torch::Tensor normed =
      F::group_norm(x.unsqueeze(0), F::GroupNormFuncOptions(4).weight(gamma).bias(beta).eps(1e-5));
  EXPECT_LT(MaxDifference(got, normed.squeeze(0)), 1e-5);
  MishInPlace(&got);
  EXPECT_LT(MaxDifference(got, torch::mish(normed).squeeze(0)), 1e-5);
}

TEST(EigenUnetLayers, MishMatchesLibTorchFromVeryNegativeToVeryPositive) {
  const torch::Tensor x = torch::linspace(-40.0, 40.0, 801).reshape({1, 801});
  MatrixF got = FromTensor(x);
  MishInPlace(&got);
  const MatrixF reference = FromTensor(torch::mish(x));
  ASSERT_TRUE(got.allFinite());
  // relative to |x| + 1: exact to float rounding near zero and on the linear tail
  EXPECT_LT(((got - reference).array() / (FromTensor(x).array().abs() + 1)).abs().maxCoeff(), 1e-6);
}

TEST(EigenUnetLayers, ShapeMismatchesAreErrorsNotCrashes) {
  Conv1dWeights conv;
  conv.weight = RowMatrixF::Ones(4, 3 * 5);
  conv.bias = VectorF::Zero(4);
  conv.kernel = 5;
  conv.padding = 2;
  EXPECT_THROW(Conv1d(conv, MatrixF::Ones(2, 8)), core::InputError);
  GroupNormWeights norm{VectorF::Ones(6), VectorF::Zero(6), 4, 1e-5f};
  MatrixF x = MatrixF::Ones(6, 4);
  EXPECT_THROW(GroupNormInPlace(norm, &x), core::InputError);
}

PolicyConfig SmallConfig() {
  PolicyConfig c;
  c.image_size = 24;
  c.encoder.channels = {8, 16};
  c.encoder.keypoints = 8;
  c.encoder.feature_dim = 16;
  return c;  // the default U-Net (three levels) and chunk
}

TEST(EigenUnet, ForwardMatchesTheLibTorchModule) {
  torch::set_num_threads(1);
  const PolicyConfig c = SmallConfig();
  DiffusionPolicy policy(c, 8, 7, 2);
  torch::NoGradGuard no_grad;
  torch::manual_seed(6);
  const torch::Tensor sample = torch::randn({1, c.action_horizon, 7});
  const torch::Tensor cond = torch::randn({1, policy->cond_dim()});
  const torch::Tensor t = torch::tensor({37}, torch::kLong);
  const std::vector<torch::Tensor> films = policy->unet()->Films(t, cond);
  const torch::Tensor reference = policy->unet()->ForwardWithFilms(sample, films);  // [1, Ta, A]
  std::vector<FilmTerms> terms;
  for (const torch::Tensor& f : films) terms.push_back({VectorFrom(f[0][0]), VectorFrom(f[0][1])});
  const MatrixF got = policy->unet()->ToEigen().Forward(FromTensor(sample[0].t()), terms);
  EXPECT_LT(MaxDifference(got, reference[0].t()), 1e-4);
  EXPECT_GT(reference.abs().max().item<float>(), 0.1);  // not a vacuous comparison
}

TEST(EigenUnet, SamplingBackendsAgreeAndTheCopyFollowsTheWeights) {
  torch::set_num_threads(1);
  const PolicyConfig c = SmallConfig();
  DiffusionPolicy policy(c, 8, 7, 2);
  torch::manual_seed(7);
  const torch::Tensor cond = torch::randn({1, policy->cond_dim()});
  auto sample_with = [&](SamplerBackend backend) {
    policy->set_sampler_backend(backend);
    return policy->Sample(cond, 99);
  };
  const torch::Tensor eigen = sample_with(SamplerBackend::kEigen);
  EXPECT_LT((eigen - sample_with(SamplerBackend::kTorch)).abs().max().item<float>(), 1e-4);
  // the same seed gives the same chunk again (no state carried between calls)
  EXPECT_TRUE(torch::equal(eigen, sample_with(SamplerBackend::kEigen)));
  // changed weights (a training step, a loaded checkpoint) must reach the Eigen copy
  {
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : policy->unet()->parameters()) p.mul_(1.5);
  }
  const torch::Tensor changed = sample_with(SamplerBackend::kEigen);
  EXPECT_GT((changed - eigen).abs().max().item<float>(), 1e-3);
  EXPECT_LT((changed - sample_with(SamplerBackend::kTorch)).abs().max().item<float>(), 1e-4);
}

}  // namespace
}  // namespace immimic::agents
