#include "agents/eigen_unet.h"

#include <cmath>
#include <cstring>

#include "core/error.h"

namespace immimic::agents {
namespace {

// out(o, t) = sum_i w(o, i) * x[t * x_step + i] for i < inner: each row of a row-major weight
// against `cols` windows of the input, four windows at a time so that four independent
// accumulators keep the FMA units busy. `out` is column-major [rows, cols].
__attribute__((target_clones("arch=x86-64-v3", "default"))) void WindowProducts(
    const float* w, int rows, int inner, const float* x, int x_step, int cols, float* out) {
  typedef float Lanes __attribute__((vector_size(32)));
  // loads and sums through memory, not by value: a 32-byte vector passed by value would change
  // the calling convention between the two clones
  auto load = [](Lanes* v, const float* p) { std::memcpy(v, p, sizeof *v); };
  auto total = [](const Lanes& v) {
    float s = 0;
    for (int k = 0; k < 8; ++k) s += v[k];
    return s;
  };
  const int vector_end = inner - inner % 8;
  for (int o = 0; o < rows; ++o) {
    const float* row = w + static_cast<ptrdiff_t>(o) * inner;
    int t = 0;
    for (; t + 4 <= cols; t += 4) {
      const float* x0 = x + static_cast<ptrdiff_t>(t) * x_step;
      const float *x1 = x0 + x_step, *x2 = x1 + x_step, *x3 = x2 + x_step;
      Lanes a0 = {}, a1 = {}, a2 = {}, a3 = {};
      Lanes wi, v0, v1, v2, v3;
      for (int i = 0; i < vector_end; i += 8) {
        load(&wi, row + i);
        load(&v0, x0 + i);
        load(&v1, x1 + i);
        load(&v2, x2 + i);
        load(&v3, x3 + i);
        a0 += wi * v0;
        a1 += wi * v1;
        a2 += wi * v2;
        a3 += wi * v3;
      }
      float s0 = total(a0), s1 = total(a1), s2 = total(a2), s3 = total(a3);
      for (int i = vector_end; i < inner; ++i) {
        s0 += row[i] * x0[i];
        s1 += row[i] * x1[i];
        s2 += row[i] * x2[i];
        s3 += row[i] * x3[i];
      }
      float* column = out + static_cast<ptrdiff_t>(t) * rows + o;
      column[0] = s0;
      column[rows] = s1;
      column[2 * rows] = s2;
      column[3 * rows] = s3;
    }
    for (; t < cols; ++t) {
      const float* xt = x + static_cast<ptrdiff_t>(t) * x_step;
      Lanes a = {}, wi, v;
      for (int i = 0; i < vector_end; i += 8) {
        load(&wi, row + i);
        load(&v, xt + i);
        a += wi * v;
      }
      float s = total(a);
      for (int i = vector_end; i < inner; ++i) s += row[i] * xt[i];
      out[static_cast<ptrdiff_t>(t) * rows + o] = s;
    }
  }
}

MatrixF ResidualBlock(const ResidualBlockWeights& block, const FilmTerms& film, const MatrixF& x) {
  MatrixF h = Conv1d(block.block1.conv, x);
  GroupNormInPlace(block.block1.norm, &h);
  MishInPlace(&h);
  IMMIMIC_THROW_UNLESS(film.scale.size() == h.rows() && film.bias.size() == h.rows(),
                       core::InputError, "FiLM terms have ", film.scale.size(),
                       " channels, the block ", h.rows());
  h = (h.array().colwise() * film.scale.array()).colwise() + film.bias.array();
  h = Conv1d(block.block2.conv, h);
  GroupNormInPlace(block.block2.norm, &h);
  MishInPlace(&h);
  if (block.residual) return h + Conv1d(*block.residual, x);
  return h + x;
}

}  // namespace

MatrixF Conv1d(const Conv1dWeights& conv, const MatrixF& x) {
  const int channels = static_cast<int>(x.rows()), length = static_cast<int>(x.cols());
  IMMIMIC_THROW_UNLESS(conv.weight.cols() == channels * conv.kernel, core::InputError,
                       "conv1d expects ", conv.weight.cols() / conv.kernel, " input channels, got ",
                       channels);
  const int out_length = (length + 2 * conv.padding - conv.kernel) / conv.stride + 1;
  // zero-padded copy: the window of output t starts at padded step t * stride and spans
  // kernel * channels contiguous floats, in the weight's tap-major order
  MatrixF padded = MatrixF::Zero(channels, length + 2 * conv.padding);
  padded.middleCols(conv.padding, length) = x;
  MatrixF out(conv.weight.rows(), out_length);
  WindowProducts(conv.weight.data(), static_cast<int>(conv.weight.rows()),
                 static_cast<int>(conv.weight.cols()), padded.data(), conv.stride * channels,
                 out_length, out.data());
  out.colwise() += conv.bias;
  return out;
}

MatrixF ConvTranspose1d(const ConvTranspose1dWeights& conv, const MatrixF& x) {
  IMMIMIC_THROW_UNLESS(conv.weight.cols() == x.rows(), core::InputError,
                       "conv_transpose1d expects ", conv.weight.cols(), " input channels, got ",
                       x.rows());
  const int out_channels = static_cast<int>(conv.weight.rows()) / conv.kernel;
  const int length = static_cast<int>(x.cols());
  const int out_length = (length - 1) * conv.stride - 2 * conv.padding + conv.kernel;
  // every input step's contribution to each (channel, tap), then scattered onto the output
  MatrixF taps(conv.weight.rows(), length);
  WindowProducts(conv.weight.data(), static_cast<int>(conv.weight.rows()),
                 static_cast<int>(conv.weight.cols()), x.data(), static_cast<int>(x.rows()), length,
                 taps.data());
  MatrixF out = conv.bias.replicate(1, out_length);
  for (int t = 0; t < length; ++t) {
    for (int j = 0; j < conv.kernel; ++j) {
      const int target = t * conv.stride - conv.padding + j;
      if (target < 0 || target >= out_length) continue;
      for (int o = 0; o < out_channels; ++o) out(o, target) += taps(o * conv.kernel + j, t);
    }
  }
  return out;
}

void GroupNormInPlace(const GroupNormWeights& norm, MatrixF* x) {
  const int channels = static_cast<int>(x->rows()), length = static_cast<int>(x->cols());
  IMMIMIC_THROW_UNLESS(channels % norm.groups == 0 && norm.gamma.size() == channels,
                       core::InputError, "group norm of ", norm.gamma.size(), " channels in ",
                       norm.groups, " groups got ", channels, " channels");
  const int per_group = channels / norm.groups;
  for (int g = 0; g < norm.groups; ++g) {
    auto block = x->middleRows(g * per_group, per_group);
    const double count = static_cast<double>(per_group) * length;
    const double mean = block.cast<double>().sum() / count;
    const double variance = (block.cast<double>().array() - mean).square().sum() / count;
    const float inverse = static_cast<float>(1.0 / std::sqrt(variance + norm.eps));
    for (int c = 0; c < per_group; ++c) {
      const int channel = g * per_group + c;
      const float scale = norm.gamma(channel) * inverse;
      const float shift = norm.beta(channel) - static_cast<float>(mean) * scale;
      block.row(c) = block.row(c).array() * scale + shift;
    }
  }
}

void MishInPlace(MatrixF* x) {
  // x * tanh(log1p(exp(x))) with one exp: tanh(log(1 + e)) = n / (n + 2), n = e (e + 2); above
  // x = 20 the factor is 1 in float (and n would overflow)
  const auto e = x->array().min(20.0f).exp();
  const auto n = (e * (e + 2.0f)).eval();
  x->array() = (x->array() > 20.0f).select(x->array(), x->array() * n / (n + 2.0f));
}

MatrixF EigenUnet::Forward(const MatrixF& sample, const std::vector<FilmTerms>& films) const {
  const size_t blocks = 2 * down.size() + mid.size() + 2 * up.size();
  IMMIMIC_THROW_UNLESS(films.size() == blocks, core::InputError, "the U-Net has ", blocks,
                       " residual blocks, got FiLM terms for ", films.size());
  auto film = films.begin();
  MatrixF x = sample;
  std::vector<MatrixF> skips;
  for (const UnetLevelWeights& level : down) {
    x = ResidualBlock(level.first, *film++, x);
    x = ResidualBlock(level.second, *film++, x);
    skips.push_back(x);
    if (level.downsample) x = Conv1d(*level.downsample, x);
  }
  for (const ResidualBlockWeights& block : mid) x = ResidualBlock(block, *film++, x);
  for (const UnetLevelWeights& level : up) {
    MatrixF joined(x.rows() + skips.back().rows(), x.cols());
    joined << x, skips.back();
    skips.pop_back();
    x = ResidualBlock(level.first, *film++, joined);
    x = ResidualBlock(level.second, *film++, x);
    x = ConvTranspose1d(*level.upsample, x);
  }
  x = Conv1d(final_block.conv, x);
  GroupNormInPlace(final_block.norm, &x);
  MishInPlace(&x);
  return Conv1d(final_conv, x);
}

}  // namespace immimic::agents
