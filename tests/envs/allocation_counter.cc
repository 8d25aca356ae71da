#include "tests/envs/allocation_counter.h"

#include <cstdlib>
#include <new>

namespace immimic::testing {
std::atomic<bool> g_count_allocations{false};
std::atomic<size_t> g_allocations{0};
}  // namespace immimic::testing

void* operator new(std::size_t size) {
  if (immimic::testing::g_count_allocations) ++immimic::testing::g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
