#include "core/heap.h"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace immimic::core {

bool RetainFreedMemory() {
#if defined(__GLIBC__)
  constexpr int kOneGiB = 1 << 30;
  // Both are needed: a fixed mmap threshold alone still trims the heap top on every free, and a
  // trim threshold alone switches the dynamic mmap threshold off at its 128 KiB start.
  const bool mmap_set = mallopt(M_MMAP_THRESHOLD, kOneGiB) == 1;
  const bool trim_set = mallopt(M_TRIM_THRESHOLD, kOneGiB) == 1;
  return mmap_set && trim_set;
#else
  return false;
#endif
}

}  // namespace immimic::core
