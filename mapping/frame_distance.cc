// Vectors of floats are passed between inline helpers of the kernels only, never across an ABI
// boundary, so GCC's note that their calling convention depends on AVX-512 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"
// No fused multiply-add: the AVX-512 and arm64 kernels would contract a * b + c where the AVX2 and
// SSE2 ones cannot, and the instruction sets would no longer give the same bits (dtw_isa.h).
#if defined(__clang__)
#pragma clang fp contract(off)
#else
#pragma GCC optimize("fp-contract=off")
#endif

#include "mapping/frame_distance.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include <Eigen/Geometry>

#include "core/error.h"
#include "core/rotation.h"
#include "mapping/dtw_isa.h"
#include "mapping/dtw_lanes.h"

namespace immimic::mapping {
namespace {

constexpr DtwIsa kAllIsas[] = {DtwIsa::kGeneric, DtwIsa::kAvx2, DtwIsa::kAvx512};

bool Supported(DtwIsa isa) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (isa == DtwIsa::kAvx512) return __builtin_cpu_supports("avx512f");
  if (isa == DtwIsa::kAvx2) return __builtin_cpu_supports("avx2");
#endif
  return isa == DtwIsa::kGeneric;
}

DtwIsa CheckSupported(DtwIsa isa, const char* source) {
  IMMIMIC_THROW_UNLESS(Supported(isa), core::InputError, source, ": instruction set ",
                       DtwIsaName(isa), " is not supported by this CPU or build");
  return isa;
}

DtwIsa IsaFromEnvironment() {
  // read once; a bad value throws at every DTW call (a throwing initialiser is retried)
  static const DtwIsa isa = [] {
    const char* name = std::getenv("IMMIMIC_DTW_ISA");
    return CheckSupported(ParseDtwIsa(name ? name : "native"), "IMMIMIC_DTW_ISA");
  }();
  return isa;
}

std::atomic<int> forced_isa{-1};  // UseDtwIsa's choice, -1: none

}  // namespace

const char* DtwIsaName(DtwIsa isa) {
  switch (isa) {
    case DtwIsa::kAvx512:
      return "avx512";
    case DtwIsa::kAvx2:
      return "avx2";
    default:
      return "generic";
  }
}

DtwIsa ParseDtwIsa(const std::string& name) {
  if (name == "native") return SupportedDtwIsas().back();
  for (DtwIsa isa : kAllIsas) {
    if (name == DtwIsaName(isa)) return isa;
  }
  throw core::InputError("DTW instruction set '" + name +
                         "' is unknown (native, avx512, avx2 or generic)");
}

std::vector<DtwIsa> SupportedDtwIsas() {
  std::vector<DtwIsa> supported;
  for (DtwIsa isa : kAllIsas) {
    if (Supported(isa)) supported.push_back(isa);
  }
  return supported;
}

DtwIsa ActiveDtwIsa() {
  const int forced = forced_isa.load(std::memory_order_relaxed);
  return forced >= 0 ? static_cast<DtwIsa>(forced) : IsaFromEnvironment();
}

void UseDtwIsa(DtwIsa isa) {
  forced_isa.store(static_cast<int>(CheckSupported(isa, "UseDtwIsa")), std::memory_order_relaxed);
}

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

// Row kernels (single frame pairs, tests, tools): cloned for AVX-512 and AVX2 and picked when the
// program loads. The DTW hot path is the tile kernels below.
// x: human frame features with stride x_stride; y: robot features, feature-major, stride rows.
// Not under ThreadSanitizer: the clones' resolver runs while the program is still being loaded,
// before TSan's runtime, and its instrumented entry crashes.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define IMMIMIC_NO_CLONES
#endif
#endif
#if defined(__x86_64__) && !defined(IMMIMIC_NO_CLONES) && !defined(__SANITIZE_THREAD__)
#define IMMIMIC_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define IMMIMIC_VECTOR_CLONES
#endif

// rotation_weight * 2 acos(|q_a . q_b|) in the form of GeodesicAnglePolynomial. One template for
// floats (row kernels, Ops = ScalarOps) and vectors of floats (tile kernels, Ops = LaneOps), so
// both give the same bits.
template <typename Ops, typename T>
IMMIMIC_LANES_INLINE T WeightedAngle(const T& a0, const T& a1, const T& a2, const T& a3,
                                     const T& b0, const T& b1, const T& b2, const T& b3,
                                     float rotation_weight) {
  const T dot = a0 * b0 + a1 * b1 + a2 * b2 + a3 * b3;
  // q_b and -q_b are the same rotation: take the one nearer q_a (the sign bit of dot, so that
  // vectors need no comparison; at dot = -0 either gives chord 1)
  const T e0 = a0 - Ops::FlipSign(dot, b0), e1 = a1 - Ops::FlipSign(dot, b1);
  const T e2 = a2 - Ops::FlipSign(dot, b2), e3 = a3 - Ops::FlipSign(dot, b3);
  const T chord = 0.5f * (e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3);  // 1 - |dot|, exactly in reals
  return rotation_weight * (2.0f * Ops::Sqrt(chord) * GeodesicAnglePolynomial(Ops::Abs(dot)));
}

struct ScalarOps {
  static float Abs(float v) { return std::abs(v); }
  static float Sqrt(float v) { return std::sqrt(v); }
  static float FlipSign(float s, float v) { return std::signbit(s) ? -v : v; }
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

// Tile kernels: the row kernels' arithmetic, in the same order, on vectors of W floats
// (mapping/dtw_lanes.h). A tile step's kTileLanes lanes are kTileLanes / W parts, each swept over
// all steps in turn so that its human frames stay in registers. Lane l holds a human frame at
// x - l and the robot frame k + l of step k; the robot frames of a step are contiguous.
template <int W>
struct LaneOps {
  using Float = lanes::Float<W>;
  static Float Abs(const Float& v) { return lanes::Abs<W>(v); }
  static Float Sqrt(const Float& v) { return lanes::Sqrt<W>(v); }
  static Float FlipSign(const Float& s, const Float& v) {
    return lanes::FlipSignWhereNegative<W>(s, v);
  }
};

// One feature of the human frames of W lanes, lane l at x - l.
template <int W>
IMMIMIC_LANES_INLINE lanes::Float<W> HumanLanes(const float* x, ptrdiff_t offset) {
  lanes::Float<W> v;
  for (int l = 0; l < W; ++l) v[l] = x[offset - l];
  return v;
}

struct TileArgs {
  const float* x;  // lane 0's human frame, feature 0
  int x_stride;
  const float* y;  // robot frame s0, feature 0
  int y_stride;
  int features;  // scaled features (action) or dims (Euclidean)
  float rotation_weight;
  int steps;
  float* out;  // steps x kTileLanes
};

// U vectors of W lanes taken through the same arithmetic together, operation by operation: the
// angle is a chain of some 25 dependent operations (Horner's rule for the polynomial), and with
// one step at a time the out-of-order window fills with operations waiting on it; U independent
// steps side by side keep the vector units busy. Each lane's arithmetic is unchanged.
template <int W, int U>
struct Bundle {
  lanes::Float<W> v[U];
};

#define IMMIMIC_BUNDLE_OPERATOR(op)                                                             \
  template <int W, int U>                                                                       \
  IMMIMIC_LANES_INLINE Bundle<W, U> operator op(const Bundle<W, U>& a, const Bundle<W, U>& b) { \
    Bundle<W, U> r;                                                                             \
    for (int u = 0; u < U; ++u) r.v[u] = a.v[u] op b.v[u];                                      \
    return r;                                                                                   \
  }                                                                                             \
  template <int W, int U>                                                                       \
  IMMIMIC_LANES_INLINE Bundle<W, U> operator op(float a, const Bundle<W, U>& b) {               \
    Bundle<W, U> r;                                                                             \
    for (int u = 0; u < U; ++u) r.v[u] = a op b.v[u];                                           \
    return r;                                                                                   \
  }                                                                                             \
  template <int W, int U>                                                                       \
  IMMIMIC_LANES_INLINE Bundle<W, U> operator op(const Bundle<W, U>& a, float b) {               \
    Bundle<W, U> r;                                                                             \
    for (int u = 0; u < U; ++u) r.v[u] = a.v[u] op b;                                           \
    return r;                                                                                   \
  }
IMMIMIC_BUNDLE_OPERATOR(+)
IMMIMIC_BUNDLE_OPERATOR(-)
IMMIMIC_BUNDLE_OPERATOR(*)
#undef IMMIMIC_BUNDLE_OPERATOR

template <int W, int U>
struct BundleOps {
  using B = Bundle<W, U>;
  static B Abs(const B& a) {
    B r;
    for (int u = 0; u < U; ++u) r.v[u] = lanes::Abs<W>(a.v[u]);
    return r;
  }
  static B Sqrt(const B& a) {
    B r;
    for (int u = 0; u < U; ++u) r.v[u] = lanes::Sqrt<W>(a.v[u]);
    return r;
  }
  static B FlipSign(const B& s, const B& a) {
    B r;
    for (int u = 0; u < U; ++u) r.v[u] = lanes::FlipSignWhereNegative<W>(s.v[u], a.v[u]);
    return r;
  }
};

// steps k .. k + U - 1 of one robot feature
template <int W, int U>
IMMIMIC_LANES_INLINE Bundle<W, U> LoadSteps(const float* y, int k) {
  Bundle<W, U> r;
  for (int u = 0; u < U; ++u) r.v[u] = lanes::Load<W>(y + k + u);
  return r;
}

template <int W, int U>
IMMIMIC_LANES_INLINE Bundle<W, U> Same(const lanes::Float<W>& a) {
  Bundle<W, U> r;
  for (int u = 0; u < U; ++u) r.v[u] = a;
  return r;
}

// Human lanes and robot rows of the quaternion and of up to four features.
template <int W>
struct TileInputs {
  lanes::Float<W> qa[4], xf[4];
  const float* qb[4];
  const float* yf[4];
  int features;  // 0 to 4
};

// out = weighted angle + |x_c - y_c| for the first features, steps [k_begin, k_end), U at a time
template <int W, int U>
IMMIMIC_LANES_INLINE int AngleSteps(const TileInputs<W>& in, float rotation_weight, int k_begin,
                                    int k_end, float* __restrict out) {
  using B = Bundle<W, U>;
  const B a0 = Same<W, U>(in.qa[0]), a1 = Same<W, U>(in.qa[1]), a2 = Same<W, U>(in.qa[2]),
          a3 = Same<W, U>(in.qa[3]);
  int k = k_begin;
  for (; k + U <= k_end; k += U) {
    B sum = WeightedAngle<BundleOps<W, U>>(
        a0, a1, a2, a3, LoadSteps<W, U>(in.qb[0], k), LoadSteps<W, U>(in.qb[1], k),
        LoadSteps<W, U>(in.qb[2], k), LoadSteps<W, U>(in.qb[3], k), rotation_weight);
    for (int c = 0; c < in.features; ++c) {
      sum = sum + BundleOps<W, U>::Abs(Same<W, U>(in.xf[c]) - LoadSteps<W, U>(in.yf[c], k));
    }
    for (int u = 0; u < U; ++u) lanes::Store<W>(out + (k + u) * kTileLanes, sum.v[u]);
  }
  return k;
}

// out += |x_c - y_c| for features [first, last), in that order
template <int W>
IMMIMIC_LANES_INLINE void AddFeatures(const float* x, ptrdiff_t x_stride, const float* y,
                                      ptrdiff_t y_stride, int first, int last, int steps,
                                      float* __restrict out) {
  lanes::Float<W> xc[4];
  const float* yc[4];
  const int count = last - first;  // 1 to 4
  for (int c = 0; c < count; ++c) {
    xc[c] = HumanLanes<W>(x, (first + c) * x_stride);
    yc[c] = y + (first + c) * y_stride;
  }
  for (int k = 0; k < steps; ++k) {
    float* o = out + k * kTileLanes;
    lanes::Float<W> sum = lanes::Load<W>(o);
    if (count == 4) {
      sum = sum + lanes::Abs<W>(xc[0] - lanes::Load<W>(yc[0] + k));
      sum = sum + lanes::Abs<W>(xc[1] - lanes::Load<W>(yc[1] + k));
      sum = sum + lanes::Abs<W>(xc[2] - lanes::Load<W>(yc[2] + k));
      sum = sum + lanes::Abs<W>(xc[3] - lanes::Load<W>(yc[3] + k));
    } else {
      for (int c = 0; c < count; ++c) sum = sum + lanes::Abs<W>(xc[c] - lanes::Load<W>(yc[c] + k));
    }
    lanes::Store<W>(o, sum);
  }
}

// lanes first_lane .. first_lane + W - 1 of the action tile: the angle and the first four
// features in one pass (all of a gripper's), then up to four features per pass; the additions
// keep the row kernel's order, so the same bits
template <int W>
IMMIMIC_LANES_INLINE void ActionTilePart(const TileArgs& args, int first_lane) {
  const float* x = args.x - first_lane;
  const float* y = args.y + first_lane;
  float* __restrict out = args.out + first_lane;
  const int scaled = args.features;
  const ptrdiff_t x_stride = args.x_stride, y_stride = args.y_stride;
  TileInputs<W> in;
  for (int k = 0; k < 4; ++k) {
    in.qa[k] = HumanLanes<W>(x, (scaled + k) * x_stride);
    in.qb[k] = y + (scaled + k) * y_stride;
  }
  in.features = std::min(scaled, 4);
  for (int c = 0; c < in.features; ++c) {
    in.xf[c] = HumanLanes<W>(x, c * x_stride);
    in.yf[c] = y + c * y_stride;
  }
  const int done = AngleSteps<W, 4>(in, args.rotation_weight, 0, args.steps, out);
  AngleSteps<W, 1>(in, args.rotation_weight, done, args.steps, out);
  for (int c = in.features; c < scaled; c += 4) {
    AddFeatures<W>(x, x_stride, y, y_stride, c, std::min(c + 4, scaled), args.steps, out);
  }
}

template <int W>
IMMIMIC_LANES_INLINE void EuclideanTilePart(const TileArgs& args, int first_lane) {
  using lanes::Load;
  const float* x = args.x - first_lane;
  const float* y = args.y + first_lane;
  float* __restrict out = args.out + first_lane;
  for (int k = 0; k < args.steps; ++k) lanes::Store<W>(out + k * kTileLanes, lanes::Float<W>{});
  for (int c = 0; c < args.features; ++c) {
    const lanes::Float<W> xc = HumanLanes<W>(x, static_cast<ptrdiff_t>(c) * args.x_stride);
    const float* yc = y + static_cast<ptrdiff_t>(c) * args.y_stride;
    for (int k = 0; k < args.steps; ++k) {
      float* o = out + k * kTileLanes;
      const lanes::Float<W> d = xc - Load<W>(yc + k);
      lanes::Store<W>(o, Load<W>(o) + d * d);
    }
  }
  for (int k = 0; k < args.steps; ++k) {
    lanes::Store<W>(out + k * kTileLanes, lanes::Sqrt<W>(Load<W>(out + k * kTileLanes)));
  }
}

template <int W>
IMMIMIC_LANES_INLINE void ActionTileBody(const TileArgs& args) {
  for (int lane = 0; lane < kTileLanes; lane += W) ActionTilePart<W>(args, lane);
}

template <int W>
IMMIMIC_LANES_INLINE void EuclideanTileBody(const TileArgs& args) {
  for (int lane = 0; lane < kTileLanes; lane += W) EuclideanTilePart<W>(args, lane);
}

// one copy per instruction set (dtw_isa.h), each with its register width
#if defined(__x86_64__)
IMMIMIC_TARGET_AVX512 void ActionTileAvx512(const TileArgs& args) { ActionTileBody<16>(args); }
IMMIMIC_TARGET_AVX2 void ActionTileAvx2(const TileArgs& args) { ActionTileBody<8>(args); }
IMMIMIC_TARGET_AVX512 void EuclideanTileAvx512(const TileArgs& args) {
  EuclideanTileBody<16>(args);
}
IMMIMIC_TARGET_AVX2 void EuclideanTileAvx2(const TileArgs& args) { EuclideanTileBody<8>(args); }
#endif
void ActionTileGeneric(const TileArgs& args) { ActionTileBody<4>(args); }
void EuclideanTileGeneric(const TileArgs& args) { EuclideanTileBody<4>(args); }

void ActionTile(const TileArgs& args) {
  switch (ActiveDtwIsa()) {
#if defined(__x86_64__)
    case DtwIsa::kAvx512:
      return ActionTileAvx512(args);
    case DtwIsa::kAvx2:
      return ActionTileAvx2(args);
#endif
    default:
      return ActionTileGeneric(args);
  }
}

void EuclideanTile(const TileArgs& args) {
  switch (ActiveDtwIsa()) {
#if defined(__x86_64__)
    case DtwIsa::kAvx512:
      return EuclideanTileAvx512(args);
    case DtwIsa::kAvx2:
      return EuclideanTileAvx2(args);
#endif
    default:
      return EuclideanTileGeneric(args);
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
  ActionTile({a.frame_column(0, i0 + kTileLanes - 1), a.column_stride(), b.frame_column(0, s0),
              b.column_stride(), 3 + hand_joints_, static_cast<float>(rotation_weight_), steps,
              out});
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
  EuclideanTile({a.frame_column(0, i0 + kTileLanes - 1), a.column_stride(), b.frame_column(0, s0),
                 b.column_stride(), feature_dims_, 0.0f, steps, out});
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
