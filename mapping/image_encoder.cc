#include "mapping/image_encoder.h"

#include <algorithm>

#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace immimic::mapping {
namespace {

void CheckVideo(const datasets::Array& video) {
  IMMIMIC_THROW_UNLESS(
      video.type() == datasets::ElementType::kUint8 && video.shape().size() == 4 &&
          video.shape()[3] == 3 && video.rows() > 0,
      core::InputError, "image encoder: expected a T x H x W x 3 uint8 video, got ",
      datasets::ElementTypeName(video.type()), " ", datasets::ShapeString(video.shape()));
}

}  // namespace

Sequence ImageEncoder::Encode(const datasets::Array& video) const {
  CheckVideo(video);
  return DoEncode(video);
}

Eigen::VectorXd PcaImageEncoder::Downsample(const datasets::Array& video, size_t frame) const {
  const int grid = options_.grid;
  Eigen::VectorXd out = Eigen::VectorXd::Zero(grid * grid * 3);
  Eigen::VectorXd count = Eigen::VectorXd::Zero(grid * grid * 3);
  const uint8_t* pixels = video.bytes().data() + frame * height_ * width_ * 3;
  for (size_t y = 0; y < height_; ++y) {
    const size_t gy = y * grid / height_;
    for (size_t x = 0; x < width_; ++x) {
      const size_t gx = x * grid / width_;
      for (int c = 0; c < 3; ++c) {
        const size_t k = (gy * grid + gx) * 3 + c;
        out[k] += pixels[(y * width_ + x) * 3 + c];
        count[k] += 1.0;
      }
    }
  }
  return out.cwiseQuotient(count) / 255.0;
}

PcaImageEncoder PcaImageEncoder::Fit(const std::vector<const datasets::Array*>& human_videos,
                                     const std::vector<const datasets::Array*>& robot_videos,
                                     const PcaEncoderOptions& options) {
  IMMIMIC_THROW_UNLESS(options.grid >= 1 && options.grid <= 64, core::InputError,
                       "image encoder: grid ", options.grid, " must be 1..64");
  const int values = options.grid * options.grid * 3;
  IMMIMIC_THROW_UNLESS(options.components >= 1 && options.components <= values, core::InputError,
                       "image encoder: components ", options.components, " must be 1..", values,
                       " (grid x grid x 3)");
  IMMIMIC_THROW_UNLESS(options.max_frames >= 2, core::InputError,
                       "image encoder: max_frames must be >= 2");
  IMMIMIC_THROW_UNLESS(!human_videos.empty() || !robot_videos.empty(), core::InputError,
                       "image encoder: no videos to fit on");
  PcaImageEncoder encoder;
  encoder.options_ = options;
  for (const auto* group : {&human_videos, &robot_videos}) {
    for (const datasets::Array* video : *group) {
      CheckVideo(*video);
      if (encoder.height_ == 0) {
        encoder.height_ = video->shape()[1];
        encoder.width_ = video->shape()[2];
      }
      IMMIMIC_THROW_UNLESS(
          video->shape()[1] == encoder.height_ && video->shape()[2] == encoder.width_,
          core::InputError, "image encoder: videos of different sizes (", encoder.height_, " x ",
          encoder.width_, " and ", video->shape()[1], " x ", video->shape()[2], ")");
    }
  }
  IMMIMIC_THROW_UNLESS(
      static_cast<size_t>(options.grid) <= std::min(encoder.height_, encoder.width_),
      core::InputError, "image encoder: grid ", options.grid, " is larger than the images");

  // evenly spaced frames of each group, half the budget each (all of one group if the other is
  // empty)
  std::vector<Eigen::VectorXd> samples;
  const int groups = (human_videos.empty() ? 0 : 1) + (robot_videos.empty() ? 0 : 1);
  for (const auto* group : {&human_videos, &robot_videos}) {
    size_t total = 0;
    for (const datasets::Array* video : *group) total += video->rows();
    if (total == 0) continue;
    const size_t budget = std::min<size_t>(total, options.max_frames / groups);
    for (size_t s = 0; s < budget; ++s) {
      size_t index = s * total / budget;
      for (const datasets::Array* video : *group) {
        if (index < video->rows()) {
          samples.push_back(encoder.Downsample(*video, index));
          break;
        }
        index -= video->rows();
      }
    }
  }
  Eigen::MatrixXd data(values, static_cast<Eigen::Index>(samples.size()));
  for (size_t s = 0; s < samples.size(); ++s) data.col(s) = samples[s];
  encoder.fit_frames_ = static_cast<int>(samples.size());
  encoder.mean_ = data.rowwise().mean();
  data.colwise() -= encoder.mean_;
  const Eigen::MatrixXd covariance = data * data.transpose() / std::max<double>(1, samples.size());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  // eigenvalues come in increasing order: the last columns are the leading components
  const int k = options.components;
  encoder.components_ = solver.eigenvectors().rightCols(k).rowwise().reverse();
  for (int c = 0; c < k; ++c) {
    // an eigenvector's sign is arbitrary: fix it so its largest entry is positive
    Eigen::Index at = 0;
    encoder.components_.col(c).cwiseAbs().maxCoeff(&at);
    if (encoder.components_(at, c) < 0.0) encoder.components_.col(c) *= -1.0;
  }
  const double total_variance = solver.eigenvalues().sum();
  encoder.explained_variance_ =
      total_variance > 0.0 ? solver.eigenvalues().tail(k).sum() / total_variance : 0.0;
  return encoder;
}

Sequence PcaImageEncoder::DoEncode(const datasets::Array& video) const {
  IMMIMIC_THROW_UNLESS(video.shape()[1] == height_ && video.shape()[2] == width_, core::InputError,
                       "image encoder: fitted on ", height_, " x ", width_, " images, got ",
                       video.shape()[1], " x ", video.shape()[2]);
  Sequence features(static_cast<Eigen::Index>(video.rows()), feature_dims());
  for (size_t t = 0; t < video.rows(); ++t) {
    features.row(t) = (components_.transpose() * (Downsample(video, t) - mean_)).transpose();
  }
  return features;
}

std::string PcaImageEncoder::DescribeJson() const {
  nlohmann::ordered_json j = {{"encoder", "pca"},
                              {"grid", options_.grid},
                              {"components", feature_dims()},
                              {"fit_frames", fit_frames_},
                              {"explained_variance", explained_variance_},
                              {"image_height", height_},
                              {"image_width", width_}};
  return j.dump();
}

}  // namespace immimic::mapping
