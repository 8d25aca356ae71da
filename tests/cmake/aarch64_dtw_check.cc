// DTW checks for a cross-built arm64 binary run under qemu-user (tests/cmake/aarch64_dtw_test.sh):
// no gtest there, so plain checks and an exit status. On arm64 only the generic kernels exist;
// they must give the textbook table's costs and paths bit for bit, as on x86-64.

#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>

#include "core/error.h"
#include "mapping/dtw.h"
#include "mapping/textbook_dtw.h"

namespace immimic::mapping {
namespace {

int failures = 0;

void Check(bool ok, const char* what, int trial) {
  if (ok) return;
  std::printf("FAILED: %s (trial %d)\n", what, trial);
  ++failures;
}

// a fixed linear congruential sequence in [-1, 1): the same cases on every machine
double NextUniform(uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) * 2.0 - 1.0;
}

Sequence RandomSequence(uint64_t& state, int frames, int dims) {
  Sequence s(frames, dims);
  for (int i = 0; i < frames; ++i)
    for (int d = 0; d < dims; ++d) s(i, d) = NextUniform(state);
  return s;
}

bool InBand(int i, int j, int n, int m, std::optional<int> window) {
  if (!window) return true;
  const double slope = n > 1 ? static_cast<double>(m - 1) / (n - 1) : 0.0;
  return std::abs(i * slope - j) <= *window + 1e-9;
}

// the textbook table on the distance of single frame pairs, in DTW's own precision
DtwResult Reference(const Sequence& a, const Sequence& b, const FrameDistance& distance,
                    std::optional<int> window) {
  const int n = static_cast<int>(a.rows()), m = static_cast<int>(b.rows());
  return TextbookDtw<CostValue>(n, m, [&](int i, int j) {
    return InBand(i, j, n, m, window) ? distance(a.row(i), b.row(j))
                                      : std::numeric_limits<double>::infinity();
  });
}

void CheckAgainstTextbook() {
  uint64_t state = 2024;
  const ActionFrameDistance gripper(1), allegro(16);
  const VisualFrameDistance visual(5);
  for (int trial = 0; trial < 12; ++trial) {
    const int n = 1 + static_cast<int>((NextUniform(state) + 1.0) * 20);
    const int m = 1 + static_cast<int>((NextUniform(state) + 1.0) * 45);
    const std::optional<int> window =
        trial % 2 ? std::optional<int>(std::max(n, m) / 2 + 2) : std::nullopt;
    for (const FrameDistance* distance :
         {static_cast<const FrameDistance*>(&gripper), static_cast<const FrameDistance*>(&allegro),
          static_cast<const FrameDistance*>(&visual)}) {
      const Sequence a = RandomSequence(state, n, distance->dims());
      const Sequence b = RandomSequence(state, m, distance->dims());
      const DtwResult result = Dtw(a, b, *distance, {window});
      const DtwResult reference = Reference(a, b, *distance, window);
      Check(result.cost == reference.cost, "cost equals the textbook table's", trial);
      Check(result.path == reference.path, "path equals the textbook table's", trial);
      Check(DtwCost(a, b, *distance, {window}) == result.cost, "DtwCost equals Dtw", trial);
    }
  }
}

void CheckInstructionSets() {
  Check(ActiveDtwIsa() == DtwIsa::kGeneric, "arm64 runs the generic kernels", 0);
  try {
    UseDtwIsa(DtwIsa::kAvx2);
    Check(false, "UseDtwIsa(avx2) throws on arm64", 0);
  } catch (const core::InputError&) {
  }
}

}  // namespace
}  // namespace immimic::mapping

int main() {
  immimic::mapping::CheckAgainstTextbook();
  immimic::mapping::CheckInstructionSets();
  if (immimic::mapping::failures > 0) return 1;
  std::printf("ok: DTW on arm64 equals the textbook table bit for bit\n");
  return 0;
}
