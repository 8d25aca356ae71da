#include "suite/suite_folder.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::suite {

SuiteFolder ReadSuiteFolder(const std::string& dir) {
  namespace fs = std::filesystem;
  IMMIMIC_THROW_UNLESS(fs::exists(dir + "/suite.yaml") && fs::exists(dir + "/cache_path.txt"),
                       core::InputError, dir, ": not a suite folder (no suite.yaml)");
  return {LoadSuiteSpec(dir + "/suite.yaml"), core::ReadFile(dir + "/cache_path.txt")};
}

}  // namespace immimic::suite
