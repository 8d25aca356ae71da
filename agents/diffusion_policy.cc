#include "agents/diffusion_policy.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "agents/fast_mish.h"
#include "core/error.h"
#include "core/rng.h"

namespace immimic::agents {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

// obs/eef_pose starts with the TCP position (agents/training_data.h)
constexpr int kTcpPositionDims = 3;

nn::Sequential Conv1dBlock(int in_channels, int out_channels, int kernel_size, int groups) {
  return nn::Sequential(
      nn::Conv1d(
          nn::Conv1dOptions(in_channels, out_channels, kernel_size).padding(kernel_size / 2)),
      nn::GroupNorm(nn::GroupNormOptions(groups, out_channels)), FastMishLayer());
}

// Largest of 8, 4, 2, 1 that divides `channels`: GroupNorm groups for the small CNN.
int NormGroups(int channels) {
  for (int g : {8, 4, 2}) {
    if (channels % g == 0) return g;
  }
  return 1;
}

// conv(5x5, stride 2) then conv(3x3, stride 2) then 3x3 convs at that resolution; each followed
// by GroupNorm and ReLU.
nn::Sequential SmallCnn(const std::vector<int>& channels) {
  nn::Sequential net;
  int in = 3;
  for (size_t i = 0; i < channels.size(); ++i) {
    const int kernel = i == 0 ? 5 : 3;
    const int stride = i < 2 ? 2 : 1;
    net->push_back(
        nn::Conv2d(nn::Conv2dOptions(in, channels[i], kernel).stride(stride).padding(kernel / 2)));
    net->push_back(nn::GroupNorm(nn::GroupNormOptions(NormGroups(channels[i]), channels[i])));
    net->push_back(nn::ReLU(nn::ReLUOptions(true)));
    in = channels[i];
  }
  return net;
}

// torchvision's BasicBlock with GroupNorm(channels / 16) in place of BatchNorm, as Diffusion
// Policy replaces it.
class BasicBlockGnImpl : public nn::Module {
 public:
  BasicBlockGnImpl(int in, int out, int stride) {
    conv1_ = register_module(
        "conv1", nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    gn1_ = register_module("gn1", nn::GroupNorm(out / 16, out));
    conv2_ =
        register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    gn2_ = register_module("gn2", nn::GroupNorm(out / 16, out));
    if (stride != 1 || in != out) {
      shortcut_ = register_module(
          "shortcut",
          nn::Sequential(nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                         nn::GroupNorm(out / 16, out)));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor h = torch::relu(gn1_(conv1_(x)));
    h = gn2_(conv2_(h));
    return torch::relu(h + (shortcut_ ? shortcut_->forward(x) : x));
  }

 private:
  nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  nn::GroupNorm gn1_{nullptr}, gn2_{nullptr};
  nn::Sequential shortcut_{nullptr};
};
TORCH_MODULE(BasicBlockGn);

// ResNet-18 without its pooling head: stem (7x7 stride 2, max-pool), four stages of two blocks.
nn::Sequential ResNet18Gn(const std::vector<int>& widths) {
  nn::Sequential net(
      nn::Conv2d(nn::Conv2dOptions(3, widths[0], 7).stride(2).padding(3).bias(false)),
      nn::GroupNorm(widths[0] / 16, widths[0]), nn::ReLU(nn::ReLUOptions(true)),
      nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  int in = widths[0];
  for (size_t stage = 0; stage < widths.size(); ++stage) {
    const int stride = stage == 0 ? 1 : 2;
    net->push_back(BasicBlockGn(in, widths[stage], stride));
    net->push_back(BasicBlockGn(widths[stage], widths[stage], 1));
    in = widths[stage];
  }
  return net;
}

torch::Tensor SinusoidalEmbedding(const torch::Tensor& timesteps, int dim) {
  const int half = dim / 2;
  const double scale = std::log(10000.0) / (half - 1);
  const torch::Tensor freqs = torch::exp(torch::arange(half, torch::kFloat32) * -scale);
  const torch::Tensor angles = timesteps.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
  return torch::cat({angles.sin(), angles.cos()}, -1);
}

// Plain float copies of LibTorch weights for agents/eigen_unet.h.
RowMatrixF ToMatrix(const torch::Tensor& t, int64_t rows, int64_t cols) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous().reshape({rows, cols});
  return Eigen::Map<const RowMatrixF>(c.data_ptr<float>(), rows, cols);
}

VectorF ToVector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return Eigen::Map<const VectorF>(c.data_ptr<float>(), c.numel());
}

// The U-Net's convolutions all give their padding as a number, never `same`/`valid`.
template <typename Padding>
int ExplicitPadding(const Padding& padding) {
  const auto* size = c10::get_if<torch::ExpandingArray<1>>(&padding);
  IMMIMIC_THROW_UNLESS(size != nullptr, core::ConfigError,
                       "the Eigen U-Net needs numeric convolution padding");
  return static_cast<int>((*size)->front());
}

// A convolution's copy; `matrix` is its weight in the layout agents/eigen_unet.h gives it.
template <typename Weights, typename Conv>
Weights ConvToEigen(const Conv& conv, const torch::Tensor& matrix) {
  Weights out;
  out.weight = ToMatrix(matrix, matrix.size(0), matrix.size(1));
  out.bias = ToVector(conv->bias);
  out.kernel = static_cast<int>(conv->weight.size(2));
  out.stride = static_cast<int>(conv->options.stride()->front());
  out.padding = ExplicitPadding(conv->options.padding());
  return out;
}

Conv1dWeights ToEigen(const nn::Conv1d& conv) {
  const torch::Tensor& w = conv->weight;  // [out, in, kernel] -> tap-major [out, kernel * in]
  return ConvToEigen<Conv1dWeights>(conv, w.permute({0, 2, 1}).reshape({w.size(0), -1}));
}

ConvTranspose1dWeights ToEigen(const nn::ConvTranspose1d& conv) {
  const torch::Tensor& w = conv->weight;  // [in, out, kernel] -> [out * kernel, in]
  return ConvToEigen<ConvTranspose1dWeights>(conv, w.permute({1, 2, 0}).reshape({-1, w.size(0)}));
}

// Conv1dBlock's layers: Conv1d, GroupNorm, Mish.
Conv1dBlockWeights BlockToEigen(const nn::Sequential& block) {
  Conv1dBlockWeights out;
  out.conv = ToEigen(nn::Conv1d(std::dynamic_pointer_cast<nn::Conv1dImpl>(block->ptr(0))));
  const auto norm = std::dynamic_pointer_cast<nn::GroupNormImpl>(block->ptr(1));
  out.norm.gamma = ToVector(norm->weight);
  out.norm.beta = ToVector(norm->bias);
  out.norm.groups = static_cast<int>(norm->options.num_groups());
  out.norm.eps = static_cast<float>(norm->options.eps());
  return out;
}

std::string Shape(const torch::Tensor& t) {
  if (!t.defined()) return "undefined";
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

}  // namespace

torch::Tensor DdimAddNoise(const DdimScheduler& scheduler, const torch::Tensor& clean,
                           const torch::Tensor& noise, const torch::Tensor& timesteps) {
  const auto& table = scheduler.alphas_cumprod();
  const torch::Tensor alphas =
      torch::tensor(std::vector<double>(table.begin(), table.end()), torch::kFloat64);
  std::vector<int64_t> shape(clean.dim(), 1);
  shape[0] = clean.size(0);
  const torch::Tensor a = alphas.index_select(0, timesteps).to(clean.scalar_type()).view(shape);
  return a.sqrt() * clean + (1 - a).sqrt() * noise;
}

torch::Tensor DdimStep(const DdimScheduler& scheduler, const torch::Tensor& sample,
                       const torch::Tensor& epsilon, int t) {
  const DdimScheduler::StepCoefficients c = scheduler.Coefficients(t);
  torch::Tensor x0 = (sample - c.sqrt_one_minus_alpha * epsilon) / c.sqrt_alpha;
  if (scheduler.clip_sample()) x0 = x0.clamp(-1.0, 1.0);
  return c.sqrt_alpha_prev * x0 + c.sqrt_one_minus_alpha_prev * epsilon;
}

SpatialSoftmaxImpl::SpatialSoftmaxImpl(int in_channels, int keypoints) : keypoints_(keypoints) {
  to_keypoints_ =
      register_module("to_keypoints", nn::Conv2d(nn::Conv2dOptions(in_channels, keypoints, 1)));
}

torch::Tensor SpatialSoftmaxImpl::forward(const torch::Tensor& features) {
  const torch::Tensor maps = to_keypoints_(features);  // [N, K, H, W]
  const int64_t n = maps.size(0), h = maps.size(2), w = maps.size(3);
  const torch::Tensor attention = torch::softmax(maps.reshape({n * keypoints_, h * w}), 1);
  const torch::Tensor ys = torch::linspace(-1.0, 1.0, h, torch::kFloat32);
  const torch::Tensor xs = torch::linspace(-1.0, 1.0, w, torch::kFloat32);
  // [H*W, 2] grid of (x, y)
  const std::vector<torch::Tensor> grid = torch::meshgrid({ys, xs}, "ij");
  const torch::Tensor positions = torch::stack({grid[1].reshape(-1), grid[0].reshape(-1)}, 1);
  return attention.matmul(positions).reshape({n, keypoints_ * 2});
}

ImageEncoderImpl::ImageEncoderImpl(const PolicyConfig& config) : image_size_(config.image_size) {
  const EncoderConfig& e = config.encoder;
  backbone_ = register_module(
      "backbone", e.type == "resnet18_gn" ? ResNet18Gn(e.channels) : SmallCnn(e.channels));
  softmax_ = register_module("spatial_softmax", SpatialSoftmax(e.channels.back(), e.keypoints));
  project_ = register_module("project", nn::Linear(2 * e.keypoints, e.feature_dim));
}

torch::Tensor ImageEncoderImpl::forward(const torch::Tensor& images) {
  torch::Tensor x = images;
  if (x.size(2) != image_size_ || x.size(3) != image_size_) {
    x = F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions({image_size_, image_size_}));
  }
  x = x * 2.0 - 1.0;
  return project_(softmax_(backbone_->forward(x)));
}

ConditionalResidualBlock1dImpl::ConditionalResidualBlock1dImpl(int in_channels, int out_channels,
                                                               int cond_dim, int kernel_size,
                                                               int groups)
    : out_channels_(out_channels) {
  block1_ = register_module("block1", Conv1dBlock(in_channels, out_channels, kernel_size, groups));
  block2_ = register_module("block2", Conv1dBlock(out_channels, out_channels, kernel_size, groups));
  film_ = register_module("film", nn::Linear(cond_dim, 2 * out_channels));
  if (in_channels != out_channels) {
    residual_ = register_module("residual", nn::Conv1d(in_channels, out_channels, 1));
  }
}

torch::Tensor ConditionalResidualBlock1dImpl::forward(const torch::Tensor& x,
                                                      const torch::Tensor& cond) {
  return ForwardWithFilm(x, Film(cond));
}

torch::Tensor ConditionalResidualBlock1dImpl::Film(const torch::Tensor& cond) {
  return film_(FastMish(cond)).view({-1, 2, out_channels_, 1});
}

ResidualBlockWeights ConditionalResidualBlock1dImpl::ToEigen() const {
  ResidualBlockWeights out;
  out.block1 = BlockToEigen(block1_);
  out.block2 = BlockToEigen(block2_);
  if (residual_) out.residual = agents::ToEigen(residual_);
  return out;
}

torch::Tensor ConditionalResidualBlock1dImpl::ForwardWithFilm(const torch::Tensor& x,
                                                              const torch::Tensor& film) {
  torch::Tensor h = block1_->forward(x);
  h = film.select(1, 0) * h + film.select(1, 1);
  h = block2_->forward(h);
  return h + (residual_ ? residual_(x) : x);
}

ConditionalUnet1dImpl::ConditionalUnet1dImpl(int action_dim, int global_cond_dim,
                                             const UnetConfig& config)
    : step_embed_dim_(config.step_embed_dim) {
  const int dsed = config.step_embed_dim;
  const int k = config.kernel_size, g = config.groups;
  step_encoder_ = register_module(
      "step_encoder",
      nn::Sequential(nn::Linear(dsed, dsed * 4), FastMishLayer(), nn::Linear(dsed * 4, dsed)));
  const int cond_dim = dsed + global_cond_dim;
  const std::vector<int>& dims = config.down_dims;
  const size_t levels = dims.size();
  int in = action_dim;
  for (size_t i = 0; i < levels; ++i) {
    Level level;
    const std::string name = "down" + std::to_string(i);
    level.first =
        register_module(name + "_block1", ConditionalResidualBlock1d(in, dims[i], cond_dim, k, g));
    level.second = register_module(name + "_block2",
                                   ConditionalResidualBlock1d(dims[i], dims[i], cond_dim, k, g));
    if (i + 1 < levels) {
      level.downsample =
          register_module(name + "_downsample",
                          nn::Conv1d(nn::Conv1dOptions(dims[i], dims[i], 3).stride(2).padding(1)));
    }
    down_.push_back(level);
    in = dims[i];
  }
  for (int i = 0; i < 2; ++i) {
    mid_.push_back(
        register_module("mid" + std::to_string(i),
                        ConditionalResidualBlock1d(dims.back(), dims.back(), cond_dim, k, g)));
  }
  // up path: from level levels-1 back to 0, concatenating the skip of the level above
  for (size_t i = levels - 1; i >= 1; --i) {
    Level level;
    const std::string name = "up" + std::to_string(levels - 1 - i);
    level.first = register_module(
        name + "_block1", ConditionalResidualBlock1d(dims[i] * 2, dims[i - 1], cond_dim, k, g));
    level.second = register_module(
        name + "_block2", ConditionalResidualBlock1d(dims[i - 1], dims[i - 1], cond_dim, k, g));
    level.upsample = register_module(
        name + "_upsample",
        nn::ConvTranspose1d(
            nn::ConvTranspose1dOptions(dims[i - 1], dims[i - 1], 4).stride(2).padding(1)));
    up_.push_back(level);
  }
  final_block_ = register_module("final_block", Conv1dBlock(dims[0], dims[0], k, g));
  final_conv_ = register_module("final_conv", nn::Conv1d(dims[0], action_dim, 1));
}

torch::Tensor ConditionalUnet1dImpl::forward(const torch::Tensor& sample,
                                             const torch::Tensor& timesteps,
                                             const torch::Tensor& global_cond) {
  return ForwardWithFilms(sample, Films(timesteps, global_cond));
}

std::vector<ConditionalResidualBlock1d> ConditionalUnet1dImpl::BlocksInOrder() {
  std::vector<ConditionalResidualBlock1d> blocks;
  for (Level& level : down_) blocks.insert(blocks.end(), {level.first, level.second});
  blocks.insert(blocks.end(), mid_.begin(), mid_.end());
  for (Level& level : up_) blocks.insert(blocks.end(), {level.first, level.second});
  return blocks;
}

std::vector<torch::Tensor> ConditionalUnet1dImpl::Films(const torch::Tensor& timesteps,
                                                        const torch::Tensor& global_cond) {
  const torch::Tensor step =
      step_encoder_->forward(SinusoidalEmbedding(timesteps, step_embed_dim_));
  const torch::Tensor cond = torch::cat({step, global_cond}, -1);
  std::vector<torch::Tensor> films;
  for (ConditionalResidualBlock1d& block : BlocksInOrder()) films.push_back(block->Film(cond));
  return films;
}

EigenUnet ConditionalUnet1dImpl::ToEigen() {
  EigenUnet out;
  auto level_to_eigen = [](const Level& level) {
    UnetLevelWeights l;
    l.first = level.first->ToEigen();
    l.second = level.second->ToEigen();
    if (level.downsample) l.downsample = agents::ToEigen(level.downsample);
    if (level.upsample) l.upsample = agents::ToEigen(level.upsample);
    return l;
  };
  for (const Level& level : down_) out.down.push_back(level_to_eigen(level));
  for (const auto& block : mid_) out.mid.push_back(block->ToEigen());
  for (const Level& level : up_) out.up.push_back(level_to_eigen(level));
  out.final_block = BlockToEigen(final_block_);
  out.final_conv = agents::ToEigen(final_conv_);
  return out;
}

torch::Tensor ConditionalUnet1dImpl::ForwardWithFilms(const torch::Tensor& sample,
                                                      const std::vector<torch::Tensor>& films) {
  torch::Tensor x = sample.transpose(1, 2);  // [B, A, T]: channels are action dims
  auto film = films.begin();
  std::vector<torch::Tensor> skips;
  for (Level& level : down_) {
    x = level.first->ForwardWithFilm(x, *film++);
    x = level.second->ForwardWithFilm(x, *film++);
    skips.push_back(x);
    if (level.downsample) x = level.downsample(x);
  }
  for (auto& block : mid_) x = block->ForwardWithFilm(x, *film++);
  for (Level& level : up_) {
    x = torch::cat({x, skips.back()}, 1);
    skips.pop_back();
    x = level.first->ForwardWithFilm(x, *film++);
    x = level.upsample(level.second->ForwardWithFilm(x, *film++));
  }
  return final_conv_(final_block_->forward(x)).transpose(1, 2);
}

DiffusionPolicyImpl::DiffusionPolicyImpl(const PolicyConfig& config, int proprio_dim,
                                         int action_dim, uint64_t seed)
    : config_(config),
      scheduler_(config.diffusion.train_steps, config.diffusion.inference_steps,
                 config.diffusion.clip_sample),
      proprio_dim_(proprio_dim),
      action_dim_(action_dim) {
  ValidatePolicyConfig(config_);
  IMMIMIC_THROW_UNLESS(proprio_dim >= 0 && action_dim >= 1, core::ConfigError,
                       "diffusion policy needs proprio_dim >= 0 and action_dim >= 1, got ",
                       proprio_dim, " and ", action_dim);
  const bool position_history = config.tcp_position == "history";
  IMMIMIC_THROW_UNLESS(position_history || proprio_dim >= kTcpPositionDims, core::ConfigError,
                       "tcp_position: ", config.tcp_position,
                       " needs proprio_dim >= ", kTcpPositionDims, ", got ", proprio_dim);
  const int cameras = config.use_wrist_camera ? 2 : 1;
  const int per_frame_proprio = proprio_dim - (position_history ? 0 : kTcpPositionDims);
  cond_dim_ = config.obs_horizon * (cameras * config.encoder.feature_dim + per_frame_proprio) +
              (config.tcp_position == "latest" ? kTcpPositionDims : 0);
  agentview_encoder_ = register_module("agentview_encoder", ImageEncoder(config));
  if (config.use_wrist_camera) {
    wrist_encoder_ = register_module("wrist_encoder", ImageEncoder(config));
  }
  unet_ = register_module("unet", ConditionalUnet1d(action_dim, cond_dim_, config.unet));
  const auto& table = scheduler_.alphas_cumprod();
  alphas_cumprod_ = torch::tensor(std::vector<double>(table.begin(), table.end()), torch::kFloat64)
                        .to(torch::kFloat32);
  InitializeWeights(core::DeriveSeed(seed, core::streams::kNetworkWeights));
  noise_generator_ = at::make_generator<at::CPUGeneratorImpl>(
      core::DeriveSeed(seed, core::streams::kNetworkNoise));
}

void DiffusionPolicyImpl::InitializeWeights(uint64_t seed) {
  // PyTorch's default for Linear/Conv (kaiming_uniform with a = sqrt(5), i.e. U(+-1/sqrt(fan_in))
  // for weights and biases) drawn from an explicit generator; norm layers keep ones and zeros.
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  torch::NoGradGuard no_grad;
  for (const auto& module : modules(/*include_self=*/false)) {
    torch::Tensor weight, bias;
    for (const auto& p : module->named_parameters(/*recurse=*/false)) {
      if (p.key() == "weight") weight = p.value();
      if (p.key() == "bias") bias = p.value();
    }
    if (!weight.defined() || weight.dim() < 2) continue;
    const int64_t fan_in = weight.size(1) * (weight.dim() > 2 ? weight[0][0].numel() : 1);
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    weight.uniform_(-bound, bound, generator);
    if (bias.defined()) bias.uniform_(-bound, bound, generator);
  }
}

int64_t DiffusionPolicyImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

torch::Tensor DiffusionPolicyImpl::Encode(const ObservationBatch& batch) {
  const int to = config_.obs_horizon;
  const torch::Tensor& av = batch.agentview;
  IMMIMIC_THROW_UNLESS(av.defined() && av.dim() == 5 && av.size(1) == to && av.size(2) == 3,
                       core::InputError, "agentview images must be [B, ", to, ", 3, H, W], got ",
                       Shape(av));
  const int64_t b = av.size(0);
  IMMIMIC_THROW_UNLESS(batch.proprio.defined() && batch.proprio.dim() == 3 &&
                           batch.proprio.size(0) == b && batch.proprio.size(1) == to &&
                           batch.proprio.size(2) == proprio_dim_,
                       core::InputError, "proprio must be [", b, ", ", to, ", ", proprio_dim_,
                       "], got ", Shape(batch.proprio));
  // every frame of every sample through the encoder at once (To folded into the batch)
  std::vector<torch::Tensor> parts;
  parts.push_back(agentview_encoder_(av.flatten(0, 1)).view({b, to, -1}));
  if (config_.use_wrist_camera) {
    const torch::Tensor& wr = batch.wrist;
    IMMIMIC_THROW_UNLESS(
        wr.defined() && wr.dim() == 5 && wr.size(0) == b && wr.size(1) == to && wr.size(2) == 3,
        core::InputError, "wrist images must be [", b, ", ", to, ", 3, H, W], got ", Shape(wr));
    torch::Tensor features;
    if (!batch.wrist_mask.defined()) {
      features = wrist_encoder_(wr.flatten(0, 1)).view({b, to, -1});
    } else {
      const torch::Tensor& mask = batch.wrist_mask;
      IMMIMIC_THROW_UNLESS(mask.dim() == 1 && mask.size(0) == b, core::InputError,
                           "wrist_mask must be [", b, "], got ", Shape(mask));
      // only samples with a wrist view are encoded; the others get zero features
      const torch::Tensor rows = mask.gt(0).nonzero().squeeze(1);
      features = torch::zeros({b, to, config_.encoder.feature_dim}, av.options());
      if (rows.numel() > 0) {
        const torch::Tensor encoded =
            wrist_encoder_(wr.index_select(0, rows).flatten(0, 1)).view({rows.size(0), to, -1});
        features = features.index_copy(0, rows, encoded);
      }
      features = features * mask.to(features.scalar_type()).view({b, 1, 1});
    }
    parts.push_back(features);
  }
  // per frame [cameras' features | proprio], the frames side by side; with tcp_position other
  // than history the frames' proprio lacks the position, and `latest` appends the newest one
  const torch::Tensor proprio = batch.proprio.to(torch::kFloat32);
  parts.push_back(config_.tcp_position == "history" ? proprio : proprio.slice(2, kTcpPositionDims));
  torch::Tensor cond = torch::cat(parts, -1).reshape({b, -1});
  if (config_.tcp_position == "latest") {
    cond = torch::cat({cond, proprio.select(1, to - 1).slice(1, 0, kTcpPositionDims)}, 1);
  }
  return cond;
}

torch::Tensor DiffusionPolicyImpl::Loss(const torch::Tensor& cond, const torch::Tensor& actions) {
  IMMIMIC_THROW_UNLESS(cond.defined() && cond.dim() == 2 && cond.size(1) == cond_dim_,
                       core::InputError, "condition must be [B, ", cond_dim_, "], got ",
                       Shape(cond));
  const int64_t b = cond.size(0);
  IMMIMIC_THROW_UNLESS(actions.defined() && actions.dim() == 3 && actions.size(0) == b &&
                           actions.size(1) == config_.action_horizon &&
                           actions.size(2) == action_dim_,
                       core::InputError, "actions must be [", b, ", ", config_.action_horizon, ", ",
                       action_dim_, "], got ", Shape(actions));
  const torch::Tensor noise =
      torch::randn(actions.sizes(), noise_generator_, torch::dtype(torch::kFloat32));
  const torch::Tensor timesteps = torch::randint(0, scheduler_.train_steps(), {b}, noise_generator_,
                                                 torch::dtype(torch::kLong));
  const torch::Tensor a = alphas_cumprod_.index_select(0, timesteps).view({b, 1, 1});
  const torch::Tensor noisy = a.sqrt() * actions + (1 - a).sqrt() * noise;
  return F::mse_loss(unet_(noisy, timesteps, cond), noise);
}

torch::Tensor DiffusionPolicyImpl::Sample(const torch::Tensor& cond, uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  return Sample(cond, generator);
}

torch::Tensor DiffusionPolicyImpl::Sample(const torch::Tensor& cond, at::Generator& generator) {
  IMMIMIC_THROW_UNLESS(cond.defined() && cond.dim() == 2 && cond.size(1) == cond_dim_,
                       core::InputError, "condition must be [B, ", cond_dim_, "], got ",
                       Shape(cond));
  // inference mode skips autograd's version and view bookkeeping: ~20 % of a chunk's time here
  c10::InferenceMode inference;
  const int64_t b = cond.size(0);
  torch::Tensor x = torch::randn({b, config_.action_horizon, action_dim_}, generator,
                                 torch::dtype(torch::kFloat32));
  if (b == 1 && sampler_backend_ == SamplerBackend::kEigen) return SampleOneWithEigen(cond, x);
  // The FiLM terms depend only on (t, cond): all steps' terms in one batch, rows [s*b, (s+1)*b).
  const std::vector<int>& steps = scheduler_.timesteps();
  const int64_t s = static_cast<int64_t>(steps.size());
  const torch::Tensor all_t =
      torch::tensor(std::vector<int64_t>(steps.begin(), steps.end()), torch::kLong)
          .repeat_interleave(b);
  const std::vector<torch::Tensor> all_films = unet_->Films(all_t, cond.repeat({s, 1}));
  std::vector<torch::Tensor> films(all_films.size());
  for (int64_t k = 0; k < s; ++k) {
    for (size_t i = 0; i < films.size(); ++i) films[i] = all_films[i].narrow(0, k * b, b);
    x = DdimStep(scheduler_, x, unet_->ForwardWithFilms(x, films), steps[k]);
  }
  return x;
}

const EigenUnet& DiffusionPolicyImpl::CurrentEigenUnet() {
  std::vector<std::pair<const void*, int64_t>> source;
  for (const torch::Tensor& p : unet_->parameters()) {
    // inference tensors keep no version counter (and can only change inside inference mode)
    source.emplace_back(p.data_ptr(), p.is_inference() ? 0 : p._version());
  }
  if (!eigen_unet_ || source != eigen_unet_source_) {
    eigen_unet_ = unet_->ToEigen();
    eigen_unet_source_ = std::move(source);
  }
  return *eigen_unet_;
}

torch::Tensor DiffusionPolicyImpl::SampleOneWithEigen(const torch::Tensor& cond, torch::Tensor x) {
  const EigenUnet& unet = CurrentEigenUnet();
  const std::vector<int>& steps = scheduler_.timesteps();
  const int64_t s = static_cast<int64_t>(steps.size());
  // every step's FiLM terms in one LibTorch batch, as the batched path, then plain vectors
  const std::vector<torch::Tensor> all_films =
      unet_->Films(torch::tensor(std::vector<int64_t>(steps.begin(), steps.end()), torch::kLong),
                   cond.repeat({s, 1}));
  std::vector<std::vector<FilmTerms>> films(static_cast<size_t>(s));
  for (const torch::Tensor& block : all_films) {  // [S, 2, C, 1]
    const torch::Tensor terms = block.to(torch::kFloat32).contiguous();
    const int64_t channels = terms.size(2);
    for (int64_t k = 0; k < s; ++k) {
      const float* row = terms.data_ptr<float>() + k * 2 * channels;
      films[static_cast<size_t>(k)].push_back(
          {Eigen::Map<const VectorF>(row, channels),
           Eigen::Map<const VectorF>(row + channels, channels)});
    }
  }
  // the chunk as [A, Ta]: channels are action dims, as ForwardWithFilms transposes
  const torch::Tensor noise = x.select(0, 0).contiguous();
  MatrixF sample =
      Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          noise.data_ptr<float>(), noise.size(0), noise.size(1))
          .transpose();
  for (int64_t k = 0; k < s; ++k) {
    const MatrixF epsilon = unet.Forward(sample, films[static_cast<size_t>(k)]);
    const DdimScheduler::StepCoefficients c =
        scheduler_.Coefficients(steps[static_cast<size_t>(k)]);
    // DdimStep in float, as the tensor form computes it
    MatrixF x0 = (sample - static_cast<float>(c.sqrt_one_minus_alpha) * epsilon) /
                 static_cast<float>(c.sqrt_alpha);
    if (scheduler_.clip_sample()) x0 = x0.cwiseMax(-1.0f).cwiseMin(1.0f);
    sample = static_cast<float>(c.sqrt_alpha_prev) * x0 +
             static_cast<float>(c.sqrt_one_minus_alpha_prev) * epsilon;
  }
  torch::Tensor out = torch::empty({1, sample.cols(), sample.rows()}, torch::kFloat32);
  Eigen::Map<Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      out.data_ptr<float>(), sample.cols(), sample.rows()) = sample.transpose();
  return out;
}

}  // namespace immimic::agents
