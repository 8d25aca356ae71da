#pragma once
// Shared by the fuzz targets: the input as a file (for loaders that take paths), and the rule
// that a rejected input is an exception derived from core::Error; anything else (a crash, a
// sanitizer report, another exception type) is a finding.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace immimic::fuzz {

// A per-process scratch path under the temp folder, named `name`. The folder is removed when the
// process exits normally (fork-mode fuzzing starts a process per job); a crash leaves it to look
// at.
inline std::string ScratchPath(const std::string& name) {
  struct Folder {
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("immimic_fuzz_" + std::to_string(getpid()));
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Folder folder;
  std::filesystem::create_directories(folder.path);
  return (folder.path / name).string();
}

inline std::string WriteScratch(const std::string& name, const uint8_t* data, size_t size) {
  const std::string path = ScratchPath(name);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace immimic::fuzz
