#pragma once
// Per-frame distances for Dynamic Time Warping (paper step 4). A distance first converts a whole
// sequence into a prepared, frame-contiguous form (once per demo), then fills rows of the cost
// matrix from it, so the inner loop runs over robot frames and vectorises.

#include <optional>
#include <vector>

#include <Eigen/Core>

namespace immimic::mapping {

// One demo: frames x dims, one frame per row.
using Sequence = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Frame distances and accumulated DTW costs are single precision: a float vector holds twice the
// cells of a double one, which halves the time of the kernels (docs/mapping.md). Relative error
// about 1e-7 per distance; the recursion is still the textbook one on these values.
using CostValue = float;

// A sequence in the form a FrameDistance reads: frames x features, column-major, so that one
// feature of all frames is contiguous, with kPad zero frames before and after, so that vector
// loads that run past either end stay inside the buffer. Only the distance that prepared it can
// read it.
struct PreparedSequence {
  static constexpr int kPad = 16;
  Eigen::MatrixXf features;  // (kPad + frames + kPad) x features
  int frames() const { return static_cast<int>(features.rows()) - 2 * kPad; }
  const float* frame_column(int feature, int frame) const {
    return features.data() + static_cast<size_t>(feature) * features.rows() + kPad + frame;
  }
  int column_stride() const { return static_cast<int>(features.rows()); }
};

// Lanes of a DTW wavefront tile (CostTile): rows computed together, one SIMD register of floats
// on AVX-512.
constexpr int kTileLanes = 16;

class FrameDistance {
 public:
  virtual ~FrameDistance() = default;

  // Frame size this distance expects.
  virtual int dims() const = 0;

  // Throws core::InputError on an empty sequence, a wrong frame size or a non-finite value.
  PreparedSequence Prepare(const Sequence& frames) const;

  // out[k] = distance(frame i of a, frame begin + k of b) for b's frames [begin, end).
  virtual void CostRow(const PreparedSequence& a, int i, const PreparedSequence& b, int begin,
                       int end, CostValue* out) const = 0;

  // DTW wavefront tile (mapping/dtw.cc): for k in [0, steps) and lane l in [0, kTileLanes),
  //   out[k * kTileLanes + l] = distance(frame i0 + kTileLanes - 1 - l of a, frame s0 + k + l of
  //   b),
  // the same value CostRow gives for that pair. Lanes whose frame lies outside a or b read the
  // padding and hold an unspecified finite value, which the caller masks. Requires
  // 0 <= i0 < a.frames() and -kTileLanes < s0 <= s0 + steps <= b.frames().
  virtual void CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b, int s0,
                        int steps, CostValue* out) const = 0;

  // Distance between two single frames (tests, tools); same arithmetic as CostRow.
  double operator()(const Eigen::Ref<const Eigen::RowVectorXd>& a,
                    const Eigen::Ref<const Eigen::RowVectorXd>& b) const;

 protected:
  // Called with a checked, non-empty, finite frames x dims() sequence.
  virtual Eigen::MatrixXd DoPrepare(const Sequence& frames) const = 0;
};

// Weights of the action-based distance
//   d = ||t_h - t_r||_1 + joint_weight * ||p_h - p_r||_1 + rotation_weight * angle(o_h, o_r)
// on actions laid out [translation 3 (m), axis-angle 3 (rad), hand joints k].
struct ActionDistanceConfig {
  // Unset: 1 / k, so the joint term is the mean per-joint difference and an Allegro hand (16
  // joints) does not outweigh the 3 translation terms 16 to 1, while a gripper (k = 1) keeps its
  // full joint difference. The paper does not publish l1.
  std::optional<double> joint_weight;
  // Metres per radian: 0.1 makes a 90 degree orientation error cost as much as 16 cm of
  // translation, about the size of the tabletop tasks, so neither term drowns the other.
  double rotation_weight = 0.1;
  // Empty: no normalisation. Otherwise 3 + k positive values, translation then joints, that each
  // dimension is divided by before the weights apply (e.g. RangeScale of the robot demos).
  // Orientation is not scaled: the geodesic angle already has one unit for every axis.
  Eigen::VectorXd scale;
};

class ActionFrameDistance : public FrameDistance {
 public:
  // Throws core::InputError on negative hand_joints, negative or non-finite weights, or a scale
  // of the wrong size or with non-positive entries.
  ActionFrameDistance(int hand_joints, const ActionDistanceConfig& config = {});

  int dims() const override { return 6 + hand_joints_; }
  void CostRow(const PreparedSequence& a, int i, const PreparedSequence& b, int begin, int end,
               CostValue* out) const override;
  void CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b, int s0, int steps,
                CostValue* out) const override;

 protected:
  Eigen::MatrixXd DoPrepare(const Sequence& frames) const override;

 private:
  int hand_joints_;
  double rotation_weight_;
  Eigen::VectorXd feature_scale_;  // multiplies translation then joints: weight / scale
};

// d = ||f_h - f_r||_2 on encoder features.
class VisualFrameDistance : public FrameDistance {
 public:
  explicit VisualFrameDistance(int feature_dims);

  int dims() const override { return feature_dims_; }
  void CostRow(const PreparedSequence& a, int i, const PreparedSequence& b, int begin, int end,
               CostValue* out) const override;
  void CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b, int s0, int steps,
                CostValue* out) const override;

 protected:
  Eigen::MatrixXd DoPrepare(const Sequence& frames) const override;

 private:
  int feature_dims_;
};

// Per-dimension range (max - min over all frames of all demos) of the translation and joint
// dimensions of action sequences, for ActionDistanceConfig::scale. Ranges below min_range are
// raised to it so a constant dimension (a gripper never opened) does not divide by zero.
Eigen::VectorXd RangeScale(const std::vector<Sequence>& demos, int hand_joints,
                           double min_range = 1e-6);

// Geodesic angle 2 acos(|q_a . q_b|) between two unit quaternions, in the form the kernels use:
// from chord = 1 - |dot|, computed as ||q_a - sign(dot) q_b||^2 / 2 so that it keeps its relative
// precision for nearby rotations (1 - |dot| itself cancels to nothing in single precision), as
// 2 sqrt(chord) P(|dot|) with the acos polynomial of Abramowitz & Stegun 4.4.46 (|error| <= 4e-8
// rad), which vectorises unlike std::acos. For scalars and for vectors of floats.
template <typename T>
inline T GeodesicAnglePolynomial(const T& x) {
  return 1.5707963050f +
         x * (-0.2145988016f +
              x * (0.0889789874f +
                   x * (-0.0501743046f +
                        x * (0.0308918810f +
                             x * (-0.0170881256f + x * (0.0066700901f + x * -0.0012624911f))))));
}

}  // namespace immimic::mapping
