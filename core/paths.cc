#include "core/paths.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "core/registry.h"

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
std::vector<std::string> ConfigNames(const std::string& folder) {
  const std::filesystem::path dir(ExistingPath("configs", folder));
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string NamedConfigPath(const std::string& folder, const std::string& kind,
                            const std::string& name_or_file) {
  const bool is_file =
      name_or_file.size() > 5 && name_or_file.compare(name_or_file.size() - 5, 5, ".yaml") == 0;
  if (is_file) {
    IMMIMIC_THROW_UNLESS(std::filesystem::is_regular_file(name_or_file), InputError, kind, " file ",
                         name_or_file, " does not exist");
    return name_or_file;
  }
  const std::vector<std::string> known = ConfigNames(folder);
  IMMIMIC_THROW_UNLESS(std::find(known.begin(), known.end(), name_or_file) != known.end(),
                       InputError, UnknownNameMessage(kind, name_or_file, known));
  return ConfigPath(folder + "/" + name_or_file + ".yaml");
}

std::string SoftwareVersion() { return IMMIMIC_VERSION; }

}  // namespace immimic::core
