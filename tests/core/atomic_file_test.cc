#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"

namespace immimic::core {
namespace {

TEST(AtomicFile, WritesAndLeavesNoTemporaryBehind) {
  const std::string dir = ::testing::TempDir() + "/atomic_file_test";
  std::filesystem::remove_all(dir);
  const std::string path = dir + "/nested/out.txt";
  WriteFileAtomically(path, "hello");
  WriteFileAtomically(path, "world");  // replaces
  EXPECT_EQ(ReadFile(path), "world");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/nested")) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(AtomicFile, UnwritableTargetIsAClearError) {
  EXPECT_THROW(WriteFileAtomically("/proc/immimic/cannot/write", "x"), Error);
  EXPECT_THROW(ReadFile("/nonexistent/file"), Error);
}

}  // namespace
}  // namespace immimic::core
