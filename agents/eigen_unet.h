#pragma once
// The denoiser's forward pass for one sample (batch 1) on plain float arrays, for sampling action
// chunks. LibTorch spends much of a batch-1 U-Net pass in per-operation overhead (about 130 small
// convolutions, norms and activations per pass, docs/policy.md); here each convolution is one
// loop of dot products over contiguous windows, compiled for AVX2+FMA where the CPU has it and
// plain SSE2 otherwise (GCC target_clones). The weights are copied from the LibTorch module
// (DiffusionPolicyImpl builds this), so training and checkpoints are unchanged; the two forward
// passes agree to float rounding (tests/agents/eigen_unet_test.cc).
//
// Activations are column-major [channels, time] matrices (a time step's channels contiguous);
// the sample is [action dim, chunk length].

#include <Eigen/Core>
#include <optional>
#include <vector>

namespace immimic::agents {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using VectorF = Eigen::Matrix<float, Eigen::Dynamic, 1>;

// How a policy runs the denoiser when it samples one chunk: this file's copy of the U-Net (the
// default; a whole chunk in under half the time, docs/policy.md) or the LibTorch module (what
// evaluations before this copy used). The two agree to float rounding, so closed-loop rollouts
// can part ways after many steps.
enum class SamplerBackend { kEigen, kTorch };

// Conv1d with row-major weight [out, kernel * in], tap-major: row o holds tap j of in-channel c
// at j * in + c (LibTorch's [out, in, kernel] element (o, c, j)), so that an output step's
// inputs are one contiguous window of the zero-padded input.
struct Conv1dWeights {
  RowMatrixF weight;
  VectorF bias;
  int kernel = 1, stride = 1, padding = 0;
};

// ConvTranspose1d with row-major weight [out * kernel, in] (row o * kernel + j, column c =
// LibTorch's [in, out, kernel] element (c, o, j)).
struct ConvTranspose1dWeights {
  RowMatrixF weight;
  VectorF bias;
  int kernel = 1, stride = 1, padding = 0;
};

struct GroupNormWeights {
  VectorF gamma, beta;
  int groups = 1;
  float eps = 1e-5f;
};

// Conv1d -> GroupNorm -> Mish.
struct Conv1dBlockWeights {
  Conv1dWeights conv;
  GroupNormWeights norm;
};

struct ResidualBlockWeights {
  Conv1dBlockWeights block1, block2;
  std::optional<Conv1dWeights> residual;  // 1x1 when the channel count changes
};

// A residual block's FiLM terms for one denoising step: h = scale * h + bias per channel.
struct FilmTerms {
  VectorF scale, bias;
};

struct UnetLevelWeights {
  ResidualBlockWeights first, second;
  std::optional<Conv1dWeights> downsample;         // down levels but the last
  std::optional<ConvTranspose1dWeights> upsample;  // up levels
};

struct EigenUnet {
  std::vector<UnetLevelWeights> down, up;
  std::vector<ResidualBlockWeights> mid;
  Conv1dBlockWeights final_block;
  Conv1dWeights final_conv;

  // Predicted noise [A, Ta] for a noisy sample [A, Ta]; `films` has one entry per residual block
  // in the order of ConditionalUnet1dImpl::Films (down levels, middle, up levels).
  MatrixF Forward(const MatrixF& sample, const std::vector<FilmTerms>& films) const;
};

// The layers, exposed for tests against LibTorch.
MatrixF Conv1d(const Conv1dWeights& conv, const MatrixF& x);
MatrixF ConvTranspose1d(const ConvTranspose1dWeights& conv, const MatrixF& x);
void GroupNormInPlace(const GroupNormWeights& norm, MatrixF* x);
void MishInPlace(MatrixF* x);

}  // namespace immimic::agents
