// Vectors of floats are passed between inline helpers of the kernels only, never across an ABI
// boundary, so GCC's note that their calling convention depends on AVX-512 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#include "mapping/frame_distance.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <Eigen/Geometry>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::mapping {

PreparedSequence FrameDistance::Prepare(const Sequence& frames) const {
  IMMIMIC_THROW_UNLESS(frames.rows() > 0, core::InputError, "DTW: empty sequence");
  IMMIMIC_THROW_UNLESS(frames.cols() == dims(), core::InputError, "DTW: frames have ",
                       frames.cols(), " dims, the distance expects ", dims());
  IMMIMIC_THROW_UNLESS(frames.allFinite(), core::InputError,
                       "DTW: sequence has a NaN or infinite value");
  const Eigen::MatrixXd features = DoPrepare(frames);
  IMMIMIC_THROW_UNLESS(
      features.allFinite() && features.cwiseAbs().maxCoeff() <= std::numeric_limits<float>::max(),
      core::InputError, "DTW: a sequence value is beyond single precision");
  PreparedSequence prepared;
  prepared.features =
      Eigen::MatrixXf::Zero(features.rows() + 2 * PreparedSequence::kPad, features.cols());
  prepared.features.middleRows(PreparedSequence::kPad, features.rows()) = features.cast<float>();
  return prepared;
}

double FrameDistance::operator()(const Eigen::Ref<const Eigen::RowVectorXd>& a,
                                 const Eigen::Ref<const Eigen::RowVectorXd>& b) const {
  const PreparedSequence pa = Prepare(Sequence(a));
  const PreparedSequence pb = Prepare(Sequence(b));
  CostValue out = 0.0f;
  CostRow(pa, 0, pb, 0, 1, &out);
  return out;
}

ActionFrameDistance::ActionFrameDistance(int hand_joints, const ActionDistanceConfig& config)
    : hand_joints_(hand_joints), rotation_weight_(config.rotation_weight) {
  IMMIMIC_THROW_UNLESS(hand_joints >= 0, core::InputError, "action distance: hand_joints ",
                       hand_joints, " < 0");
  const double joint_weight =
      config.joint_weight.value_or(hand_joints > 0 ? 1.0 / hand_joints : 0.0);
  IMMIMIC_THROW_UNLESS(std::isfinite(joint_weight) && joint_weight >= 0.0, core::InputError,
                       "action distance: joint_weight ", joint_weight, " must be >= 0");
  IMMIMIC_THROW_UNLESS(std::isfinite(rotation_weight_) && rotation_weight_ >= 0.0, core::InputError,
                       "action distance: rotation_weight ", rotation_weight_, " must be >= 0");
  const int scaled = 3 + hand_joints;
  feature_scale_ = Eigen::VectorXd::Ones(scaled);
  feature_scale_.tail(hand_joints).setConstant(joint_weight);
  if (config.scale.size() > 0) {
    IMMIMIC_THROW_UNLESS(config.scale.size() == scaled, core::InputError,
                         "action distance: scale has ", config.scale.size(),
                         " entries, expected 3 + hand joints = ", scaled);
    IMMIMIC_THROW_UNLESS(config.scale.allFinite() && (config.scale.array() > 0.0).all(),
                         core::InputError, "action distance: scale entries must be > 0");
    feature_scale_.array() /= config.scale.array();
  }
}

// features: [weighted translation 3, weighted joints k, unit quaternion w x y z]. Weights are
// folded in here because w * |a - b| = |w a - w b| for w >= 0.
Eigen::MatrixXd ActionFrameDistance::DoPrepare(const Sequence& frames) const {
  const int scaled = 3 + hand_joints_;
  Eigen::MatrixXd features(frames.rows(), scaled + 4);
  for (int f = 0; f < frames.rows(); ++f) {
    features.row(f).head(3) =
        frames.row(f).head(3).cwiseProduct(feature_scale_.head(3).transpose());
    features.row(f).segment(3, hand_joints_) =
        frames.row(f)
            .tail(hand_joints_)
            .cwiseProduct(feature_scale_.tail(hand_joints_).transpose());
    const Eigen::Quaterniond q(core::MatrixFromAxisAngle(frames.row(f).segment<3>(3)));
    features.row(f).tail(4) << q.w(), q.x(), q.y(), q.z();
  }
  return features;
}

namespace {

// Cost-row kernels, cloned for AVX-512 and AVX2 and picked when the program loads, so the build
// stays portable while the machines that have wider vectors use them (about 2x over SSE2).
// x: human frame features with stride x_stride; y: robot features, feature-major, stride rows.
#if defined(__x86_64__)
#define IMMIMIC_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define IMMIMIC_VECTOR_CLONES
#endif

// rotation_weight * 2 acos(|q_a . q_b|) in the form of GeodesicAnglePolynomial. One template for
// floats (row kernels, Ops = ScalarOps) and vectors of floats (tile kernels, Ops = LaneOps), so
// both give the same bits.
template <typename Ops, typename T>
inline T WeightedAngle(const T& a0, const T& a1, const T& a2, const T& a3, const T& b0, const T& b1,
                       const T& b2, const T& b3, float rotation_weight) {
  const T dot = a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
  const T sign = Ops::Sign(dot);
  const T e0 = a0 - sign * b0, e1 = a1 - sign * b1, e2 = a2 - sign * b2, e3 = a3 - sign * b3;
  const T chord = 0.5f * (e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3);  // 1 - |dot|, exactly in reals
  return rotation_weight * (2.0f * Ops::Sqrt(chord) * GeodesicAnglePolynomial(Ops::Abs(dot)));
}

struct ScalarOps {
  static float Abs(float v) { return std::abs(v); }
  static float Sqrt(float v) { return std::sqrt(v); }
  static float Sign(float v) { return v < 0.0f ? -1.0f : 1.0f; }
};

IMMIMIC_VECTOR_CLONES void ActionRowKernel(const float* x, int x_stride, const float* y,
                                           int y_stride, int scaled, float rotation_weight,
                                           int count, float* __restrict out) {
  const float* __restrict qb0 = y + scaled * y_stride;
  const float* __restrict qb1 = qb0 + y_stride;
  const float* __restrict qb2 = qb1 + y_stride;
  const float* __restrict qb3 = qb2 + y_stride;
  const float qa0 = x[scaled * x_stride], qa1 = x[(scaled + 1) * x_stride];
  const float qa2 = x[(scaled + 2) * x_stride], qa3 = x[(scaled + 3) * x_stride];
  for (int k = 0; k < count; ++k) {
    out[k] = WeightedAngle<ScalarOps>(qa0, qa1, qa2, qa3, qb0[k], qb1[k], qb2[k], qb3[k],
                                      rotation_weight);
  }
  for (int c = 0; c < scaled; ++c) {
    const float xc = x[c * x_stride];
    const float* __restrict yc = y + c * y_stride;
    for (int k = 0; k < count; ++k) out[k] += std::abs(xc - yc[k]);
  }
}

IMMIMIC_VECTOR_CLONES void EuclideanRowKernel(const float* x, int x_stride, const float* y,
                                              int y_stride, int dims, int count,
                                              float* __restrict out) {
  for (int k = 0; k < count; ++k) out[k] = 0.0f;
  for (int c = 0; c < dims; ++c) {
    const float xc = x[c * x_stride];
    const float* __restrict yc = y + c * y_stride;
    for (int k = 0; k < count; ++k) out[k] += (xc - yc[k]) * (xc - yc[k]);
  }
  for (int k = 0; k < count; ++k) out[k] = std::sqrt(out[k]);
}

// Tile kernels: the row kernels' arithmetic, in the same order, on vectors of kTileLanes
// floats (GCC vector extensions) with one human frame per lane (x points at lane 0's frame,
// lane l at x - l) and the robot frames k + l of step k, which are contiguous.
typedef float Lanes __attribute__((vector_size(kTileLanes * sizeof(float))));
typedef int32_t LaneBits __attribute__((vector_size(kTileLanes * sizeof(int32_t))));

inline Lanes LoadLanes(const float* p) {
  Lanes v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

inline void StoreLanes(float* p, const Lanes& v) { __builtin_memcpy(p, &v, sizeof(v)); }

inline Lanes AbsLanes(const Lanes& v) {
  return reinterpret_cast<Lanes>(reinterpret_cast<LaneBits>(v) & 0x7fffffff);
}

inline Lanes SqrtLanes(const Lanes& v) {
  Lanes r;
  for (int l = 0; l < kTileLanes; ++l) r[l] = std::sqrt(v[l]);
  return r;
}

// -1 where v < 0, else 1 (the row kernel's choice, lane by lane)
inline Lanes SignLanes(const Lanes& v) {
  const LaneBits negative = v < 0.0f;
  return reinterpret_cast<Lanes>((negative & reinterpret_cast<LaneBits>(Lanes{} - 1.0f)) |
                                 (~negative & reinterpret_cast<LaneBits>(Lanes{} + 1.0f)));
}

struct LaneOps {
  static Lanes Abs(const Lanes& v) { return AbsLanes(v); }
  static Lanes Sqrt(const Lanes& v) { return SqrtLanes(v); }
  static Lanes Sign(const Lanes& v) { return SignLanes(v); }
};

// one human frame per lane: lane l reads x[offset - l]
inline Lanes HumanLanes(const float* x, ptrdiff_t offset) {
  Lanes v;
  for (int l = 0; l < kTileLanes; ++l) v[l] = x[offset - l];
  return v;
}

IMMIMIC_VECTOR_CLONES void ActionTileKernel(const float* x, int x_stride, const float* y,
                                            int y_stride, int scaled, float rotation_weight,
                                            int steps, float* __restrict out) {
  const Lanes qa0 = HumanLanes(x, static_cast<ptrdiff_t>(scaled) * x_stride);
  const Lanes qa1 = HumanLanes(x, static_cast<ptrdiff_t>(scaled + 1) * x_stride);
  const Lanes qa2 = HumanLanes(x, static_cast<ptrdiff_t>(scaled + 2) * x_stride);
  const Lanes qa3 = HumanLanes(x, static_cast<ptrdiff_t>(scaled + 3) * x_stride);
  const float* qb0 = y + scaled * y_stride;
  const float* qb1 = qb0 + y_stride;
  const float* qb2 = qb1 + y_stride;
  const float* qb3 = qb2 + y_stride;
  // the angle and the first four features in one pass (the common case: gripper, 4 features),
  // then four features per pass; the additions keep the row kernel's order, so the same bits
  const int first = std::min(scaled, 4);
  Lanes xf[4];
  const float* yf[4];
  for (int c = 0; c < first; ++c) {
    xf[c] = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    yf[c] = y + c * y_stride;
  }
  for (int k = 0; k < steps; ++k) {
    Lanes sum = WeightedAngle<LaneOps>(qa0, qa1, qa2, qa3, LoadLanes(qb0 + k), LoadLanes(qb1 + k),
                                       LoadLanes(qb2 + k), LoadLanes(qb3 + k), rotation_weight);
    if (first == 4) {
      sum = sum + AbsLanes(xf[0] - LoadLanes(yf[0] + k));
      sum = sum + AbsLanes(xf[1] - LoadLanes(yf[1] + k));
      sum = sum + AbsLanes(xf[2] - LoadLanes(yf[2] + k));
      sum = sum + AbsLanes(xf[3] - LoadLanes(yf[3] + k));
    } else {
      for (int c = 0; c < first; ++c) sum = sum + AbsLanes(xf[c] - LoadLanes(yf[c] + k));
    }
    StoreLanes(out + k * kTileLanes, sum);
  }
  int c = first;
  for (; c + 4 <= scaled; c += 4) {
    const Lanes x0 = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    const Lanes x1 = HumanLanes(x, static_cast<ptrdiff_t>(c + 1) * x_stride);
    const Lanes x2 = HumanLanes(x, static_cast<ptrdiff_t>(c + 2) * x_stride);
    const Lanes x3 = HumanLanes(x, static_cast<ptrdiff_t>(c + 3) * x_stride);
    const float* y0 = y + c * y_stride;
    const float* y1 = y0 + y_stride;
    const float* y2 = y1 + y_stride;
    const float* y3 = y2 + y_stride;
    for (int k = 0; k < steps; ++k) {
      float* o = out + k * kTileLanes;
      Lanes sum = LoadLanes(o) + AbsLanes(x0 - LoadLanes(y0 + k));
      sum = sum + AbsLanes(x1 - LoadLanes(y1 + k));
      sum = sum + AbsLanes(x2 - LoadLanes(y2 + k));
      StoreLanes(o, sum + AbsLanes(x3 - LoadLanes(y3 + k)));
    }
  }
  for (; c < scaled; ++c) {
    const Lanes xc = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    const float* yc = y + c * y_stride;
    for (int k = 0; k < steps; ++k) {
      float* o = out + k * kTileLanes;
      StoreLanes(o, LoadLanes(o) + AbsLanes(xc - LoadLanes(yc + k)));
    }
  }
}

IMMIMIC_VECTOR_CLONES void EuclideanTileKernel(const float* x, int x_stride, const float* y,
                                               int y_stride, int dims, int steps,
                                               float* __restrict out) {
  for (int k = 0; k < steps * kTileLanes; ++k) out[k] = 0.0f;
  for (int c = 0; c < dims; ++c) {
    const Lanes xc = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    const float* yc = y + c * y_stride;
    for (int k = 0; k < steps; ++k) {
      float* o = out + k * kTileLanes;
      const Lanes d = xc - LoadLanes(yc + k);
      StoreLanes(o, LoadLanes(o) + d * d);
    }
  }
  for (int k = 0; k < steps; ++k) {
    StoreLanes(out + k * kTileLanes, SqrtLanes(LoadLanes(out + k * kTileLanes)));
  }
}

}  // namespace

void ActionFrameDistance::CostRow(const PreparedSequence& a, int i, const PreparedSequence& b,
                                  int begin, int end, CostValue* out) const {
  ActionRowKernel(a.frame_column(0, i), a.column_stride(), b.frame_column(0, begin),
                  b.column_stride(), 3 + hand_joints_, static_cast<float>(rotation_weight_),
                  end - begin, out);
}

void ActionFrameDistance::CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b,
                                   int s0, int steps, CostValue* out) const {
  ActionTileKernel(a.frame_column(0, i0 + kTileLanes - 1), a.column_stride(), b.frame_column(0, s0),
                   b.column_stride(), 3 + hand_joints_, static_cast<float>(rotation_weight_), steps,
                   out);
}

VisualFrameDistance::VisualFrameDistance(int feature_dims) : feature_dims_(feature_dims) {
  IMMIMIC_THROW_UNLESS(feature_dims > 0, core::InputError, "visual distance: feature_dims ",
                       feature_dims, " must be > 0");
}

Eigen::MatrixXd VisualFrameDistance::DoPrepare(const Sequence& frames) const { return frames; }

void VisualFrameDistance::CostRow(const PreparedSequence& a, int i, const PreparedSequence& b,
                                  int begin, int end, CostValue* out) const {
  EuclideanRowKernel(a.frame_column(0, i), a.column_stride(), b.frame_column(0, begin),
                     b.column_stride(), feature_dims_, end - begin, out);
}

void VisualFrameDistance::CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b,
                                   int s0, int steps, CostValue* out) const {
  EuclideanTileKernel(a.frame_column(0, i0 + kTileLanes - 1), a.column_stride(),
                      b.frame_column(0, s0), b.column_stride(), feature_dims_, steps, out);
}

Eigen::VectorXd RangeScale(const std::vector<Sequence>& demos, int hand_joints, double min_range) {
  IMMIMIC_THROW_UNLESS(!demos.empty(), core::InputError, "RangeScale: no demos");
  const int dims = 6 + hand_joints;
  Eigen::VectorXd low = Eigen::VectorXd::Constant(dims, INFINITY);
  Eigen::VectorXd high = Eigen::VectorXd::Constant(dims, -INFINITY);
  for (size_t d = 0; d < demos.size(); ++d) {
    IMMIMIC_THROW_UNLESS(demos[d].cols() == dims && demos[d].rows() > 0, core::InputError,
                         "RangeScale: demo ", d, " is ", demos[d].rows(), " x ", demos[d].cols(),
                         ", expected non-empty x ", dims);
    low = low.cwiseMin(demos[d].colwise().minCoeff().transpose());
    high = high.cwiseMax(demos[d].colwise().maxCoeff().transpose());
  }
  const Eigen::VectorXd range = (high - low).cwiseMax(min_range);
  Eigen::VectorXd scale(3 + hand_joints);
  scale << range.head(3), range.tail(hand_joints);
  return scale;
}

}  // namespace immimic::mapping
