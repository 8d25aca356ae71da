#include "core/heap.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace immimic::core {
namespace {

#if defined(__GLIBC__)
// After the call an 8 MiB block (an activation tensor at the default sizes) comes from the heap,
// not from its own mmap, and freeing it leaves the heap as large as before (no trim).
TEST(RetainFreedMemory, LargeBlocksStayInTheHeapAfterFree) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer's allocator replaces glibc's heap";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  GTEST_SKIP() << "a sanitizer's allocator replaces glibc's heap";
#endif
#endif
  ASSERT_TRUE(RetainFreedMemory());
  constexpr size_t kBlock = 8u << 20;
  const size_t mapped_before = mallinfo2().hblkhd;
  void* block = std::malloc(kBlock);
  ASSERT_NE(block, nullptr);
  static_cast<volatile char*>(block)[kBlock - 1] = 1;
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "the block was mmap-ed";
  const size_t heap_with_block = mallinfo2().arena;
  EXPECT_GE(heap_with_block, kBlock);
  std::free(block);
  EXPECT_EQ(mallinfo2().arena, heap_with_block) << "the heap was trimmed";
  EXPECT_TRUE(RetainFreedMemory()) << "a second call is harmless";
}
#else
TEST(RetainFreedMemory, ReportsThatItIsUnavailable) { EXPECT_FALSE(RetainFreedMemory()); }
#endif

}  // namespace
}  // namespace immimic::core
