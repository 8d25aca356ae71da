#pragma once
// Diffusion Policy (Chi et al. 2023) as ImMimic trains it: one image encoder per camera (a small
// CNN or ResNet-18 with GroupNorm, then spatial softmax and a linear layer), proprioception
// concatenated, the features of obs_horizon frames flattened into the condition, and a
// conditional 1-D temporal U-Net (FiLM on every residual block) that predicts the noise of an
// action chunk; DDIM sampling (agents/ddim_scheduler.h). Sizes come from PolicyConfig.
//
// This header pulls in LibTorch (slow to compile): only the policy, trainer and checkpoint
// files include it.

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "agents/ddim_scheduler.h"
#include "agents/eigen_unet.h"
#include "agents/policy_config.h"

namespace immimic::agents {

// One batch of observations; all float32, B samples of To = obs_horizon frames.
struct ObservationBatch {
  torch::Tensor agentview;   // [B, To, 3, H, W] in [0, 1]
  torch::Tensor wrist;       // [B, To, 3, H, W] in [0, 1]; undefined if !use_wrist_camera
  torch::Tensor wrist_mask;  // [B], 1 = robot sample, 0 = human (wrist features zeroed);
                             // undefined = all robot
  torch::Tensor proprio;     // [B, To, P], normalised
};

// Tensor forms of the scheduler's equations (the scalar forms are the reference).
// q(x_t | x_0) with a per-sample timestep: clean, noise [B, ...], timesteps [B] int64.
torch::Tensor DdimAddNoise(const DdimScheduler& scheduler, const torch::Tensor& clean,
                           const torch::Tensor& noise, const torch::Tensor& timesteps);
// One DDIM step from timestep t (all samples at the same t).
torch::Tensor DdimStep(const DdimScheduler& scheduler, const torch::Tensor& sample,
                       const torch::Tensor& epsilon, int t);

// Expected image coordinates in [-1, 1] of `keypoints` softmax maps: [N, C, H, W] -> [N, 2K].
class SpatialSoftmaxImpl : public torch::nn::Module {
 public:
  SpatialSoftmaxImpl(int in_channels, int keypoints);
  torch::Tensor forward(const torch::Tensor& features);

 private:
  torch::nn::Conv2d to_keypoints_{nullptr};
  int keypoints_;
};
TORCH_MODULE(SpatialSoftmax);

// Backbone + spatial softmax + linear: [N, 3, H, W] in [0, 1] -> [N, feature_dim]. Images whose
// size differs from config.image_size are area-resized first.
class ImageEncoderImpl : public torch::nn::Module {
 public:
  ImageEncoderImpl(const PolicyConfig& config);
  torch::Tensor forward(const torch::Tensor& images);

 private:
  torch::nn::Sequential backbone_{nullptr};
  SpatialSoftmax softmax_{nullptr};
  torch::nn::Linear project_{nullptr};
  int image_size_;
};
TORCH_MODULE(ImageEncoder);

// Residual block: two Conv1d-GroupNorm-Mish blocks, the first's output scaled and shifted by a
// linear map of the condition (FiLM).
class ConditionalResidualBlock1dImpl : public torch::nn::Module {
 public:
  ConditionalResidualBlock1dImpl(int in_channels, int out_channels, int cond_dim, int kernel_size,
                                 int groups);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& cond);
  // The FiLM scale and bias [B, 2, C, 1] for `cond`, and the block applied with them: sampling
  // computes every denoising step's FiLM terms in one batch, since they do not depend on x.
  torch::Tensor Film(const torch::Tensor& cond);
  torch::Tensor ForwardWithFilm(const torch::Tensor& x, const torch::Tensor& film);
  // A copy of the weights for the batch-1 Eigen forward pass (agents/eigen_unet.h).
  ResidualBlockWeights ToEigen() const;

 private:
  torch::nn::Sequential block1_{nullptr}, block2_{nullptr};
  torch::nn::Linear film_{nullptr};
  torch::nn::Conv1d residual_{nullptr};  // 1x1 when the channel count changes
  int out_channels_;
};
TORCH_MODULE(ConditionalResidualBlock1d);

// Chi et al.'s ConditionalUnet1D: [B, T, A] noisy chunk, timesteps [B], global condition
// [B, cond_dim] -> predicted noise [B, T, A]. T must be divisible by 2^(levels - 1).
class ConditionalUnet1dImpl : public torch::nn::Module {
 public:
  ConditionalUnet1dImpl(int action_dim, int global_cond_dim, const UnetConfig& config);
  torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timesteps,
                        const torch::Tensor& global_cond);
  // The FiLM terms of every residual block (in forward's order) for these timesteps and
  // conditions; ForwardWithFilms(sample, Films(t, c)) equals forward(sample, t, c), and rows of
  // Films may be sliced to run several timesteps' terms computed in one batch.
  std::vector<torch::Tensor> Films(const torch::Tensor& timesteps,
                                   const torch::Tensor& global_cond);
  torch::Tensor ForwardWithFilms(const torch::Tensor& sample,
                                 const std::vector<torch::Tensor>& films);
  // A copy of the weights for the batch-1 Eigen forward pass (agents/eigen_unet.h).
  EigenUnet ToEigen();

 private:
  // Every residual block in forward's order: down levels, middle, up levels.
  std::vector<ConditionalResidualBlock1d> BlocksInOrder();
  struct Level {
    ConditionalResidualBlock1d first{nullptr}, second{nullptr};
    torch::nn::Conv1d downsample{nullptr};         // stride 2; none at the bottom level
    torch::nn::ConvTranspose1d upsample{nullptr};  // x2; on every up level
  };
  torch::nn::Sequential step_encoder_{nullptr};
  std::vector<Level> down_, up_;
  std::vector<ConditionalResidualBlock1d> mid_;
  torch::nn::Sequential final_block_{nullptr};
  torch::nn::Conv1d final_conv_{nullptr};
  int step_embed_dim_;
};
TORCH_MODULE(ConditionalUnet1d);

class DiffusionPolicyImpl : public torch::nn::Module {
 public:
  // Weights are drawn from `seed` (PyTorch's default initialisation, explicit generator: torch's
  // global generator is untouched); the training noise stream is derived from it too.
  // Throws core::ConfigError for an invalid config or dimensions.
  DiffusionPolicyImpl(const PolicyConfig& config, int proprio_dim, int action_dim,
                      uint64_t seed = 0);

  // Observation features [B, cond_dim] (MixUp mixes these). Throws core::InputError on shapes.
  torch::Tensor Encode(const ObservationBatch& batch);
  // Mean squared error of the predicted noise, for random timesteps and noise drawn from the
  // policy's training stream. actions: [B, Ta, A] normalised to [-1, 1]; cond from Encode.
  torch::Tensor Loss(const torch::Tensor& cond, const torch::Tensor& actions);
  // Denoised action chunks [B, Ta, A] in [-1, 1] after config.diffusion.inference_steps DDIM
  // steps from noise drawn with `seed` (or `generator`). No gradients.
  torch::Tensor Sample(const torch::Tensor& cond, uint64_t seed);
  torch::Tensor Sample(const torch::Tensor& cond, at::Generator& generator);
  // Batches of one sample run the denoiser on the Eigen copy unless set to kTorch; larger
  // batches always use the module.
  void set_sampler_backend(SamplerBackend backend) { sampler_backend_ = backend; }
  SamplerBackend sampler_backend() const { return sampler_backend_; }

  const PolicyConfig& config() const { return config_; }
  const DdimScheduler& scheduler() const { return scheduler_; }
  int proprio_dim() const { return proprio_dim_; }
  int action_dim() const { return action_dim_; }
  int cond_dim() const { return cond_dim_; }
  int64_t parameter_count() const;
  // The training noise stream, for exact resumption of an interrupted run.
  at::Generator& noise_generator() { return noise_generator_; }
  // Direct access to the parts (tests, benchmarks).
  ConditionalUnet1d unet() const { return unet_; }

 private:
  void InitializeWeights(uint64_t seed);
  // The DDIM loop for one sample on the Eigen U-Net, from noise x [1, Ta, A].
  torch::Tensor SampleOneWithEigen(const torch::Tensor& cond, torch::Tensor x);
  // The Eigen copy of the U-Net, rebuilt when any U-Net parameter changed (training steps,
  // loading a checkpoint) since it was made.
  const EigenUnet& CurrentEigenUnet();

  PolicyConfig config_;
  DdimScheduler scheduler_;
  int proprio_dim_, action_dim_, cond_dim_;
  ImageEncoder agentview_encoder_{nullptr}, wrist_encoder_{nullptr};
  ConditionalUnet1d unet_{nullptr};
  torch::Tensor alphas_cumprod_;  // float32 [train_steps], from the scheduler
  at::Generator noise_generator_;
  SamplerBackend sampler_backend_ = SamplerBackend::kEigen;
  std::optional<EigenUnet> eigen_unet_;
  std::vector<std::pair<const void*, int64_t>> eigen_unet_source_;  // (data, version) per param
};
TORCH_MODULE(DiffusionPolicy);

}  // namespace immimic::agents
