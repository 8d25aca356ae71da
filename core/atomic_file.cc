#include "core/atomic_file.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace immimic::core {

std::string TemporaryPathFor(const std::string& path) {
  static std::atomic<int> counter{0};
  std::filesystem::path target(path);
  std::string name = "." + target.filename().string() + ".tmp." + std::to_string(getpid()) + "." +
                     std::to_string(counter++);
  return (target.parent_path() / name).string();
}

void CommitTemporary(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    std::remove(from.c_str());
    throw Error("cannot write " + to + ": " + reason);
  }
}

void WriteFileAtomically(const std::string& path, std::string_view bytes) {
  std::filesystem::path target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    IMMIMIC_THROW_UNLESS(!ec, Error, "cannot create folder ", target.parent_path().string(), ": ",
                         ec.message());
  }
  const std::string temp = TemporaryPathFor(path);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    IMMIMIC_THROW_UNLESS(out.good(), Error, "cannot open ", temp, " for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out.good()) {
      std::remove(temp.c_str());
      throw Error("cannot write " + path + " (disk full?)");
    }
  }
  CommitTemporary(temp, path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  IMMIMIC_THROW_UNLESS(in.good(), Error, "cannot open ", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace immimic::core
