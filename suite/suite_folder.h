#pragma once
// A suite's report folder as `immimic suite run` leaves it for `suite status` and `suite report`:
// its copy of the suite file (suite.yaml) and the stage cache it used (cache_path.txt).
#include <string>

#include "suite/suite_spec.h"

namespace immimic::suite {

struct SuiteFolder {
  SuiteSpec spec;
  std::string cache;
};

// Throws core::InputError naming the folder when it is not a suite folder, and the spec's
// ConfigError for a bad suite.yaml.
SuiteFolder ReadSuiteFolder(const std::string& dir);

}  // namespace immimic::suite
