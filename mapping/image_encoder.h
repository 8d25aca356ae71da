#pragma once
// Image features for visual DTW (ImMimic-V, docs/paper.md, step 4): any encoder behind ImageEncoder
// turns a video into one feature vector per frame, compared by VisualFrameDistance.
//
// No pretrained weights can be downloaded here, and mapping/ stays free of LibTorch, so the
// default encoder is trained by the project on the task's own agentview frames, human and robot
// together: PcaImageEncoder, principal components of area-downsampled colour images (see
// docs/mapping.md for why that is a fair stand-in for the paper's pretrained CNN features).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "datasets/array.h"
#include "mapping/frame_distance.h"

namespace immimic::mapping {

class ImageEncoder {
 public:
  virtual ~ImageEncoder() = default;
  virtual int feature_dims() const = 0;
  // What it is and how it was trained, as a JSON object (recorded in the alignment file).
  virtual std::string DescribeJson() const = 0;

  // `video`: T x H x W x 3 uint8. Returns T x feature_dims(). Throws core::InputError for a
  // wrong type or shape. Checks here, work in DoEncode.
  Sequence Encode(const datasets::Array& video) const;

 protected:
  virtual Sequence DoEncode(const datasets::Array& video) const = 0;
};

struct PcaEncoderOptions {
  int grid = 16;          // images are area-averaged down to grid x grid x 3
  int components = 32;    // principal components kept
  int max_frames = 4000;  // frames used for fitting, spread evenly over the videos of each side
};

class PcaImageEncoder : public ImageEncoder {
 public:
  // Fits on two groups of videos (human and robot), taking up to max_frames / 2 frames from
  // each group, evenly spaced, so neither domain dominates the components. All videos must
  // have the same image size. Deterministic. Throws core::InputError for no frames, mismatched
  // sizes, or more components than the downsampled image has values.
  static PcaImageEncoder Fit(const std::vector<const datasets::Array*>& human_videos,
                             const std::vector<const datasets::Array*>& robot_videos,
                             const PcaEncoderOptions& options = {});

  int feature_dims() const override { return static_cast<int>(components_.cols()); }
  std::string DescribeJson() const override;
  // Share of the fitting frames' variance the kept components explain.
  double explained_variance() const { return explained_variance_; }

 protected:
  Sequence DoEncode(const datasets::Array& video) const override;

 private:
  PcaImageEncoder() = default;
  // One frame area-averaged to grid x grid x 3 values in [0, 1].
  Eigen::VectorXd Downsample(const datasets::Array& video, size_t frame) const;

  PcaEncoderOptions options_;
  size_t height_ = 0, width_ = 0;
  int fit_frames_ = 0;
  Eigen::VectorXd mean_;
  Eigen::MatrixXd components_;  // values x components, orthonormal columns
  double explained_variance_ = 0.0;
};

}  // namespace immimic::mapping
