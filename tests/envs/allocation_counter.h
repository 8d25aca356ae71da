#pragma once
// Counts global operator new calls while a scope is armed (cf. Drake's LimitMalloc), so a test
// can assert that a hot loop allocates nothing. The counting operator new is defined in
// allocation_counter.cc and replaces the default one for the whole test binary.

#include <atomic>
#include <cstddef>

namespace immimic::testing {

extern std::atomic<bool> g_count_allocations;
extern std::atomic<size_t> g_allocations;

class CountAllocations {
 public:
  CountAllocations() {
    g_allocations = 0;
    g_count_allocations = true;
  }
  ~CountAllocations() { g_count_allocations = false; }
  size_t count() const { return g_allocations.load(); }
};

}  // namespace immimic::testing
