#pragma once
// Vectors of floats for the DTW kernels (mapping/dtw.cc, mapping/frame_distance.cc), in GCC's
// vector extension. A wavefront step of kTileLanes floats is held as kTileLanes / W vectors of W
// floats, W the register width of the instruction set a kernel is compiled for (16 AVX-512, 8
// AVX2, 4 SSE2 and NEON), so that every operation is one instruction: GCC 12 splits a 16-float
// vector compiled for AVX2 lane by lane, which made that path 4-5x slower than AVX-512.
//
// Kernel bodies are templates on W marked IMMIMIC_LANES_INLINE and called from small functions
// that carry the target attribute: inlined there, they are compiled for that target. One
// exception: GCC 12 splits vector comparisons inlined into an AVX-512 function lane by lane, so
// the helpers here compare only in Min (which GCC turns into a min instruction first) and the
// AVX-512 sweep is written out (mapping/dtw.cc).

#include <cstddef>
#include <cstdint>
#include <utility>

#include "mapping/frame_distance.h"

// Vectors are passed between inline helpers of the kernels only, never across an ABI boundary, so
// GCC's note that their calling convention depends on AVX-512 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#define IMMIMIC_LANES_INLINE inline __attribute__((always_inline))
#if defined(__x86_64__)
#define IMMIMIC_TARGET_AVX512 __attribute__((target("avx512f")))
#define IMMIMIC_TARGET_AVX2 __attribute__((target("avx2")))
#endif

namespace immimic::mapping::lanes {

// W floats and W 32-bit masks (-1 true, 0 false)
template <int W>
struct Vec {
  static_assert(kTileLanes % W == 0, "a step is a whole number of vectors");
  typedef float Float __attribute__((vector_size(W * sizeof(float))));
  typedef int32_t Mask __attribute__((vector_size(W * sizeof(int32_t))));
};

template <int W>
using Float = typename Vec<W>::Float;
template <int W>
using Mask = typename Vec<W>::Mask;

template <int W>
IMMIMIC_LANES_INLINE Float<W> Load(const float* p) {
  Float<W> v;
  __builtin_memcpy(&v, p, sizeof(v));
  return v;
}

template <int W>
IMMIMIC_LANES_INLINE void Store(float* p, const Float<W>& v) {
  __builtin_memcpy(p, &v, sizeof(v));
}

template <int W>
IMMIMIC_LANES_INLINE Float<W> Broadcast(float value) {
  return Float<W>{} + value;
}

template <int W>
IMMIMIC_LANES_INLINE Float<W> Min(const Float<W>& a, const Float<W>& b) {
  return a < b ? a : b;
}

template <int W>
IMMIMIC_LANES_INLINE Float<W> Abs(const Float<W>& v) {
  return reinterpret_cast<Float<W>>(reinterpret_cast<Mask<W>>(v) & 0x7fffffff);
}

// v with its sign flipped where s has its sign bit set (std::signbit, lane by lane). No
// comparison: GCC 12 splits those lane by lane when inlined into an AVX-512 function.
template <int W>
IMMIMIC_LANES_INLINE Float<W> FlipSignWhereNegative(const Float<W>& s, const Float<W>& v) {
  return reinterpret_cast<Float<W>>(reinterpret_cast<Mask<W>>(v) ^
                                    (reinterpret_cast<Mask<W>>(s) & INT32_MIN));
}

template <int W>
IMMIMIC_LANES_INLINE Float<W> Sqrt(const Float<W>& v) {
  Float<W> r;
  for (int l = 0; l < W; ++l) r[l] = __builtin_sqrtf(v[l]);
  return r;
}

template <int W, size_t... I>
IMMIMIC_LANES_INLINE Float<W> ShiftInImpl(const Float<W>& a, const Float<W>& b,
                                          std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, (I + 1)...);
}

// lanes 1..W-1 of a, then lane 0 of b: the wavefront's "row above one step ago"
template <int W>
IMMIMIC_LANES_INLINE Float<W> ShiftIn(const Float<W>& a, const Float<W>& b) {
  return ShiftInImpl<W>(a, b, std::make_index_sequence<W>());
}

}  // namespace immimic::mapping::lanes
