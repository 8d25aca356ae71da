#pragma once
// The textbook DTW: a full (n+1) x (m+1) accumulated-cost table, then a backtrack with dtw.h's tie
// rule (diagonal, then up, then left). It is the reference the wavefront DTW is tested against
// bit for bit (tests/mapping/dtw_test.cc, tests/cmake/aarch64_dtw_check.cc); O(n m) memory, not
// for use.
#include <algorithm>
#include <limits>
#include <vector>

#include "mapping/dtw.h"

namespace immimic::mapping {

// cost(i, j): distance of frames i and j, +inf for cells outside a band. n, m >= 1. Value: the
// arithmetic of the table (CostValue, as dtw.h, for bit-for-bit comparisons).
template <typename Value = double, typename CellCost>
DtwResult TextbookDtw(int n, int m, const CellCost& cost) {
  const Value inf = std::numeric_limits<Value>::infinity();
  const size_t width = static_cast<size_t>(m) + 1;
  std::vector<Value> table((static_cast<size_t>(n) + 1) * width, inf);
  auto at = [&](int i, int j) -> Value& { return table[i * width + j]; };
  at(0, 0) = 0;
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= m; ++j)
      at(i, j) = static_cast<Value>(cost(i - 1, j - 1)) +
                 std::min({at(i - 1, j - 1), at(i - 1, j), at(i, j - 1)});
  DtwResult result{at(n, m), {}};
  if (!(result.cost < inf)) return result;  // the band admits no path: nothing to trace back
  int i = n, j = m;
  result.path.emplace_back(i - 1, j - 1);
  while (i > 1 || j > 1) {
    const Value diag = at(i - 1, j - 1), up = at(i - 1, j), left = at(i, j - 1);
    if (diag <= up && diag <= left) {
      --i, --j;
    } else if (up <= left) {
      --i;
    } else {
      --j;
    }
    result.path.emplace_back(i - 1, j - 1);
  }
  std::reverse(result.path.begin(), result.path.end());
  return result;
}

}  // namespace immimic::mapping
