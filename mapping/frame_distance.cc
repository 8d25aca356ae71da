// Vectors of doubles are passed between inline helpers of the kernels only, never across an
// ABI boundary, so GCC's note that their calling convention depends on AVX-512 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#include "mapping/frame_distance.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

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
  PreparedSequence prepared;
  prepared.features =
      Eigen::MatrixXd::Zero(features.rows() + 2 * PreparedSequence::kPad, features.cols());
  prepared.features.middleRows(PreparedSequence::kPad, features.rows()) = features;
  return prepared;
}

double FrameDistance::operator()(const Eigen::Ref<const Eigen::RowVectorXd>& a,
                                 const Eigen::Ref<const Eigen::RowVectorXd>& b) const {
  const PreparedSequence pa = Prepare(Sequence(a));
  const PreparedSequence pb = Prepare(Sequence(b));
  double out = 0.0;
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
#define IMMIMIC_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

IMMIMIC_VECTOR_CLONES void ActionRowKernel(const double* x, int x_stride, const double* y,
                                           int y_stride, int scaled, double rotation_weight,
                                           int count, double* __restrict out) {
  const double* __restrict qb0 = y + scaled * y_stride;
  const double* __restrict qb1 = qb0 + y_stride;
  const double* __restrict qb2 = qb1 + y_stride;
  const double* __restrict qb3 = qb2 + y_stride;
  const double qa0 = x[scaled * x_stride], qa1 = x[(scaled + 1) * x_stride];
  const double qa2 = x[(scaled + 2) * x_stride], qa3 = x[(scaled + 3) * x_stride];
  for (int k = 0; k < count; ++k) {
    const double dot = qa0 * qb0[k] + qa1 * qb1[k] + qa2 * qb2[k] + qa3 * qb3[k];
    out[k] = rotation_weight * GeodesicAngleFromDot(std::abs(dot));
  }
  for (int c = 0; c < scaled; ++c) {
    const double xc = x[c * x_stride];
    const double* __restrict yc = y + c * y_stride;
    for (int k = 0; k < count; ++k) out[k] += std::abs(xc - yc[k]);
  }
}

IMMIMIC_VECTOR_CLONES void EuclideanRowKernel(const double* x, int x_stride, const double* y,
                                              int y_stride, int dims, int count,
                                              double* __restrict out) {
  for (int k = 0; k < count; ++k) out[k] = 0.0;
  for (int c = 0; c < dims; ++c) {
    const double xc = x[c * x_stride];
    const double* __restrict yc = y + c * y_stride;
    for (int k = 0; k < count; ++k) out[k] += (xc - yc[k]) * (xc - yc[k]);
  }
  for (int k = 0; k < count; ++k) out[k] = std::sqrt(out[k]);
}

// Tile kernels: the row kernels' arithmetic, in the same order, on vectors of kTileLanes
// doubles (GCC vector extensions) with one human frame per lane (x points at lane 0's frame,
// lane l at x - l) and the robot frames k + l of step k, which are contiguous.
typedef double Lanes __attribute__((vector_size(kTileLanes * sizeof(double))));
typedef int64_t LaneBits __attribute__((vector_size(kTileLanes * sizeof(int64_t))));

inline Lanes LoadLanes(const double* p) {
  Lanes v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

inline void StoreLanes(double* p, const Lanes& v) { __builtin_memcpy(p, &v, sizeof(v)); }

inline Lanes AbsLanes(const Lanes& v) {
  return reinterpret_cast<Lanes>(reinterpret_cast<LaneBits>(v) & 0x7fffffffffffffff);
}

inline Lanes SqrtLanes(const Lanes& v) {
  Lanes r;
  for (int l = 0; l < kTileLanes; ++l) r[l] = std::sqrt(v[l]);
  return r;
}

// one human frame per lane: lane l reads x[offset - l]
inline Lanes HumanLanes(const double* x, ptrdiff_t offset) {
  Lanes v;
  for (int l = 0; l < kTileLanes; ++l) v[l] = x[offset - l];
  return v;
}

IMMIMIC_VECTOR_CLONES void ActionTileKernel(const double* x, int x_stride, const double* y,
                                            int y_stride, int scaled, double rotation_weight,
                                            int steps, double* __restrict out) {
  const Lanes qa0 = HumanLanes(x, static_cast<ptrdiff_t>(scaled) * x_stride);
  const Lanes qa1 = HumanLanes(x, static_cast<ptrdiff_t>(scaled + 1) * x_stride);
  const Lanes qa2 = HumanLanes(x, static_cast<ptrdiff_t>(scaled + 2) * x_stride);
  const Lanes qa3 = HumanLanes(x, static_cast<ptrdiff_t>(scaled + 3) * x_stride);
  const double* qb0 = y + scaled * y_stride;
  const double* qb1 = qb0 + y_stride;
  const double* qb2 = qb1 + y_stride;
  const double* qb3 = qb2 + y_stride;
  for (int k = 0; k < steps; ++k) {
    const Lanes dot = qa0 * LoadLanes(qb0 + k) + qa1 * LoadLanes(qb1 + k) +
                      qa2 * LoadLanes(qb2 + k) + qa3 * LoadLanes(qb3 + k);
    const Lanes x_dot = AbsLanes(dot);
    const Lanes angle = 2.0 * SqrtLanes(AbsLanes(1.0 - x_dot)) * GeodesicAnglePolynomial(x_dot);
    StoreLanes(out + k * kTileLanes, rotation_weight * angle);
  }
  // four features per pass over the tile, added one after the other as in the row kernel
  int c = 0;
  for (; c + 4 <= scaled; c += 4) {
    const Lanes x0 = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    const Lanes x1 = HumanLanes(x, static_cast<ptrdiff_t>(c + 1) * x_stride);
    const Lanes x2 = HumanLanes(x, static_cast<ptrdiff_t>(c + 2) * x_stride);
    const Lanes x3 = HumanLanes(x, static_cast<ptrdiff_t>(c + 3) * x_stride);
    const double* y0 = y + c * y_stride;
    const double* y1 = y0 + y_stride;
    const double* y2 = y1 + y_stride;
    const double* y3 = y2 + y_stride;
    for (int k = 0; k < steps; ++k) {
      double* o = out + k * kTileLanes;
      Lanes sum = LoadLanes(o) + AbsLanes(x0 - LoadLanes(y0 + k));
      sum = sum + AbsLanes(x1 - LoadLanes(y1 + k));
      sum = sum + AbsLanes(x2 - LoadLanes(y2 + k));
      StoreLanes(o, sum + AbsLanes(x3 - LoadLanes(y3 + k)));
    }
  }
  for (; c < scaled; ++c) {
    const Lanes xc = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    const double* yc = y + c * y_stride;
    for (int k = 0; k < steps; ++k) {
      double* o = out + k * kTileLanes;
      StoreLanes(o, LoadLanes(o) + AbsLanes(xc - LoadLanes(yc + k)));
    }
  }
}

IMMIMIC_VECTOR_CLONES void EuclideanTileKernel(const double* x, int x_stride, const double* y,
                                               int y_stride, int dims, int steps,
                                               double* __restrict out) {
  for (int k = 0; k < steps * kTileLanes; ++k) out[k] = 0.0;
  for (int c = 0; c < dims; ++c) {
    const Lanes xc = HumanLanes(x, static_cast<ptrdiff_t>(c) * x_stride);
    const double* yc = y + c * y_stride;
    for (int k = 0; k < steps; ++k) {
      double* o = out + k * kTileLanes;
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
                                  int begin, int end, double* out) const {
  ActionRowKernel(a.frame_column(0, i), a.column_stride(), b.frame_column(0, begin),
                  b.column_stride(), 3 + hand_joints_, rotation_weight_, end - begin, out);
}

void ActionFrameDistance::CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b,
                                   int s0, int steps, double* out) const {
  ActionTileKernel(a.frame_column(0, i0 + kTileLanes - 1), a.column_stride(), b.frame_column(0, s0),
                   b.column_stride(), 3 + hand_joints_, rotation_weight_, steps, out);
}

VisualFrameDistance::VisualFrameDistance(int feature_dims) : feature_dims_(feature_dims) {
  IMMIMIC_THROW_UNLESS(feature_dims > 0, core::InputError, "visual distance: feature_dims ",
                       feature_dims, " must be > 0");
}

Eigen::MatrixXd VisualFrameDistance::DoPrepare(const Sequence& frames) const { return frames; }

void VisualFrameDistance::CostRow(const PreparedSequence& a, int i, const PreparedSequence& b,
                                  int begin, int end, double* out) const {
  EuclideanRowKernel(a.frame_column(0, i), a.column_stride(), b.frame_column(0, begin),
                     b.column_stride(), feature_dims_, end - begin, out);
}

void VisualFrameDistance::CostTile(const PreparedSequence& a, int i0, const PreparedSequence& b,
                                   int s0, int steps, double* out) const {
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
