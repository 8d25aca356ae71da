#include "core/paths.h"

#include <cstdlib>
#include <filesystem>

#include "core/error.h"

namespace immimic::core {
namespace {
std::string ExistingPath(const std::string& folder, const std::string& relative) {
  std::filesystem::path full = std::filesystem::path(ProjectRoot()) / folder / relative;
  IMMIMIC_THROW_UNLESS(std::filesystem::exists(full), Error, "missing file ", full.string(),
                       " (set IMMIMIC_ROOT to the project folder)");
  return full.string();
}
}  // namespace

std::string ProjectRoot() {
  const char* root = std::getenv("IMMIMIC_ROOT");
  return (root != nullptr && root[0] != '\0') ? root : IMMIMIC_SOURCE_ROOT;
}

std::string AssetPath(const std::string& relative) { return ExistingPath("assets", relative); }
std::string ConfigPath(const std::string& relative) { return ExistingPath("configs", relative); }
std::string SoftwareVersion() { return IMMIMIC_VERSION; }

}  // namespace immimic::core
