#include "agents/diffusion_policy.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace immimic::agents {
namespace {

// Small sizes so every test runs in well under a few seconds on one core.
PolicyConfig TinyConfig() {
  PolicyConfig c;
  c.image_size = 24;
  c.action_horizon = 8;
  c.encoder.channels = {8, 16};
  c.encoder.keypoints = 8;
  c.encoder.feature_dim = 16;
  c.unet.down_dims = {32, 64};
  c.unet.step_embed_dim = 32;
  return c;
}

ObservationBatch RandomBatch(int b, const PolicyConfig& c, int proprio_dim, int image = 32) {
  torch::manual_seed(11);
  ObservationBatch batch;
  batch.agentview = torch::rand({b, c.obs_horizon, 3, image, image});
  batch.wrist = torch::rand({b, c.obs_horizon, 3, image, image});
  batch.proprio = torch::randn({b, c.obs_horizon, proprio_dim});
  return batch;
}

TEST(DiffusionPolicy, EncoderAndUnetShapes) {
  torch::set_num_threads(1);
  const PolicyConfig c = TinyConfig();
  DiffusionPolicy policy(c, 5, 7);
  EXPECT_EQ(policy->cond_dim(), 2 * (2 * 16 + 5));
  const ObservationBatch batch = RandomBatch(3, c, 5);
  const torch::Tensor cond = policy->Encode(batch);
  EXPECT_EQ(cond.sizes(), (std::vector<int64_t>{3, policy->cond_dim()}));
  const torch::Tensor eps =
      policy->unet()(torch::randn({3, 8, 7}), torch::tensor({0L, 50L, 99L}), cond);
  EXPECT_EQ(eps.sizes(), (std::vector<int64_t>{3, 8, 7}));
  const torch::Tensor chunk = policy->Sample(cond, 1);
  EXPECT_EQ(chunk.sizes(), (std::vector<int64_t>{3, 8, 7}));
  EXPECT_LE(chunk.abs().max().item<float>(), 1.0f + 1e-6f);  // clipped x0 at the last step
  EXPECT_TRUE(policy->Loss(cond, torch::rand({3, 8, 7}) * 2 - 1).requires_grad());

  ImageEncoder resnet([] {
    PolicyConfig r = TinyConfig();
    r.encoder.type = "resnet18_gn";
    r.encoder.channels = {16, 32, 32, 64};
    r.image_size = 84;
    return r;
  }());
  EXPECT_EQ(resnet(torch::rand({2, 3, 84, 84})).sizes(), (std::vector<int64_t>{2, 16}));

  // three levels: chunk 16 goes 16 -> 8 -> 4 and back
  ConditionalUnet1d unet(4, 10, UnetConfig{{16, 32, 64}, 5, 8, 16});
  EXPECT_EQ(unet(torch::randn({2, 16, 4}), torch::tensor({3L, 4L}), torch::randn({2, 10})).sizes(),
            (std::vector<int64_t>{2, 16, 4}));
}

TEST(DiffusionPolicy, BadShapesAreInputErrors) {
  const PolicyConfig c = TinyConfig();
  DiffusionPolicy policy(c, 5, 7);
  ObservationBatch batch = RandomBatch(2, c, 4);  // proprio 4, policy expects 5
  EXPECT_THROW(policy->Encode(batch), core::InputError);
  batch = RandomBatch(2, c, 5);
  batch.wrist = torch::Tensor();
  EXPECT_THROW(policy->Encode(batch), core::InputError);
  const torch::Tensor cond = torch::zeros({2, policy->cond_dim()});
  EXPECT_THROW(policy->Loss(cond, torch::zeros({2, 16, 7})), core::InputError);
  EXPECT_THROW(policy->Sample(torch::zeros({2, 3}), 0), core::InputError);
  EXPECT_THROW(DiffusionPolicy(c, 5, 0), core::ConfigError);
}

TEST(DiffusionPolicy, HumanSamplesGetZeroWristFeatures) {
  const PolicyConfig c = TinyConfig();
  DiffusionPolicy policy(c, 3, 7);
  ObservationBatch batch = RandomBatch(3, c, 3);
  const torch::Tensor all_robot = policy->Encode(batch);
  batch.wrist_mask = torch::tensor({1.0f, 0.0f, 1.0f});
  const torch::Tensor mixed = policy->Encode(batch).view({3, 2, -1});
  const torch::Tensor wrist = mixed.slice(2, 16, 32);  // [agentview 16 | wrist 16 | proprio 3]
  EXPECT_EQ(wrist[1].abs().max().item<float>(), 0.0f);
  EXPECT_GT(wrist[0].abs().max().item<float>(), 0.0f);
  // robot rows are unchanged by encoding only the masked subset
  EXPECT_TRUE(torch::allclose(mixed[0].reshape(-1), all_robot[0], 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(mixed[2].reshape(-1), all_robot[2], 1e-5, 1e-6));
}

TEST(DiffusionPolicy, TcpPositionOptionsChooseWhichPositionsCount) {
  PolicyConfig c = TinyConfig();
  c.tcp_position = "none";
  DiffusionPolicy none(c, 8, 7);
  EXPECT_EQ(none->cond_dim(), 2 * (2 * 16 + 5));  // 8 proprio values less the 3 of position
  c.tcp_position = "latest";
  DiffusionPolicy latest(c, 8, 7);
  EXPECT_EQ(latest->cond_dim(), 2 * (2 * 16 + 5) + 3);
  ObservationBatch batch = RandomBatch(2, c, 8);
  const torch::Tensor none_before = none->Encode(batch), latest_before = latest->Encode(batch);
  batch.proprio.select(1, 0).slice(1, 0, 3).add_(0.7);  // the older frame's position
  EXPECT_TRUE(torch::equal(none->Encode(batch), none_before));
  EXPECT_TRUE(torch::equal(latest->Encode(batch), latest_before));
  batch.proprio.select(1, 1).slice(1, 0, 3).add_(0.7);  // the newest frame's position
  EXPECT_TRUE(torch::equal(none->Encode(batch), none_before));
  const torch::Tensor latest_after = latest->Encode(batch);
  EXPECT_TRUE(torch::allclose(latest_after.slice(1, -3) - latest_before.slice(1, -3),
                              torch::full({2, 3}, 0.7f)));
  batch.proprio.slice(2, 3, 4).add_(0.7);  // the orientation still counts
  EXPECT_FALSE(torch::equal(none->Encode(batch), none_before));
  EXPECT_THROW(DiffusionPolicy(c, 2, 7), core::ConfigError);
}

TEST(DiffusionPolicy, TensorDdimMatchesScalarScheduler) {
  const DdimScheduler s(100, 10, true);
  torch::manual_seed(5);
  const torch::Tensor x = torch::randn({2, 4, 3}) * 2, eps = torch::randn({2, 4, 3});
  for (int t : s.timesteps()) {
    const torch::Tensor out = DdimStep(s, x, eps, t).contiguous();
    std::vector<float> expected(24);
    s.Step(x.contiguous().data_ptr<float>(), eps.contiguous().data_ptr<float>(), expected.data(),
           24, t);
    for (int i = 0; i < 24; ++i) EXPECT_NEAR(out.data_ptr<float>()[i], expected[i], 1e-5) << t;
  }
  const torch::Tensor clean = torch::rand({2, 4, 3});
  const torch::Tensor noisy = DdimAddNoise(s, clean, eps, torch::tensor({7L, 93L})).contiguous();
  std::vector<float> expected(12);
  s.AddNoise(clean.contiguous().data_ptr<float>() + 12, eps.contiguous().data_ptr<float>() + 12,
             expected.data(), 12, 93);
  for (int i = 0; i < 12; ++i) EXPECT_NEAR(noisy.data_ptr<float>()[12 + i], expected[i], 1e-5);
}

TEST(DiffusionPolicy, SameSeedSameWeightsAndSamples) {
  torch::set_num_threads(1);
  const PolicyConfig c = TinyConfig();
  DiffusionPolicy a(c, 4, 7, 42), b(c, 4, 7, 42), other(c, 4, 7, 43);
  const auto pa = a->parameters(), pb = b->parameters(), po = other->parameters();
  bool any_different = false;
  for (size_t i = 0; i < pa.size(); ++i) {
    EXPECT_TRUE(torch::equal(pa[i], pb[i])) << i;
    any_different = any_different || !torch::equal(pa[i], po[i]);
  }
  EXPECT_TRUE(any_different);
  const ObservationBatch batch = RandomBatch(2, c, 4);
  const torch::Tensor actions = torch::rand({2, 8, 7}) * 2 - 1;
  // the training noise stream is seeded too: identical losses, and identical after a step
  EXPECT_EQ(a->Loss(a->Encode(batch), actions).item<float>(),
            b->Loss(b->Encode(batch), actions).item<float>());
  EXPECT_TRUE(torch::equal(a->Sample(a->Encode(batch), 9), b->Sample(b->Encode(batch), 9)));
  EXPECT_FALSE(torch::equal(a->Sample(a->Encode(batch), 9), a->Sample(a->Encode(batch), 10)));
}

// One short demo: a smooth 7-d trajectory of 40 steps whose observations (proprio = the current
// action, images = a moving bright square) identify the step. The policy must fit its chunks.
TEST(DiffusionPolicy, LearnsToReproduceOneDemo) {
  torch::set_num_threads(1);
  PolicyConfig c = TinyConfig();
  const int steps = 40, ta = c.action_horizon, dims = 7;
  const torch::Tensor time = torch::linspace(0, 1, steps).unsqueeze(1);
  const torch::Tensor phase = torch::arange(dims, torch::kFloat32).unsqueeze(0);
  const torch::Tensor trajectory = 0.8 * torch::sin(3.0 * time + phase);  // [steps, 7] in [-1,1]
  torch::Tensor frames = torch::zeros({steps, 3, 24, 24});
  for (int t = 0; t < steps; ++t) {
    const int x = t * 20 / steps;
    frames[t].slice(1, 8, 12).slice(2, x, x + 4).fill_(1.0);
  }
  // every start step: frames (t-1, t), chunk t..t+ta-1 (last action repeated past the end)
  std::vector<torch::Tensor> av, pr, ac;
  for (int t = 0; t < steps; ++t) {
    const torch::Tensor hist = torch::tensor({std::max(t - 1, 0), t}, torch::kLong);
    av.push_back(frames.index_select(0, hist));
    pr.push_back(trajectory.index_select(0, hist).slice(1, 0, 3));
    const torch::Tensor idx = torch::clamp(torch::arange(t, t + ta), 0, steps - 1);
    ac.push_back(trajectory.index_select(0, idx));
  }
  ObservationBatch all;
  all.agentview = torch::stack(av);
  all.wrist = all.agentview.flip(4);
  all.proprio = torch::stack(pr);
  const torch::Tensor actions = torch::stack(ac);

  DiffusionPolicy policy(c, 3, dims, 1);
  const double untrained_error =
      (policy->Sample(policy->Encode(all), 3) - actions).abs().mean().item<double>();
  torch::optim::AdamW optimizer(policy->parameters(), torch::optim::AdamWOptions(2e-3));
  double first = 0, last = 0;
  const int iterations = 400;
  for (int i = 0; i < iterations; ++i) {
    const torch::Tensor loss = policy->Loss(policy->Encode(all), actions);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    if (i < 20) first += loss.item<double>() / 20;
    if (i >= iterations - 20) last += loss.item<double>() / 20;
  }
  EXPECT_LT(last, 0.25 * first) << "loss " << first << " -> " << last;
  const torch::Tensor predicted = policy->Sample(policy->Encode(all), 3);
  const double error = (predicted - actions).abs().mean().item<double>();
  // 400 steps is short for a diffusion model: the chunks come out close, not exact
  EXPECT_LT(error, 0.5 * untrained_error) << "open-loop mean absolute error " << untrained_error
                                          << " -> " << error << " (normalised units)";
  EXPECT_LT(error, 0.35);
}

}  // namespace
}  // namespace immimic::agents
