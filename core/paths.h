#pragma once
// Locations of the project's data folders (assets/, configs/). IMMIMIC_ROOT overrides the
// source tree baked in at build time, so an installed or moved binary still finds them.

#include <string>

namespace immimic::core {

std::string ProjectRoot();
// `relative` is under assets/ or configs/; throws core::Error naming the full path if missing.
std::string AssetPath(const std::string& relative);
std::string ConfigPath(const std::string& relative);
std::string SoftwareVersion();

}  // namespace immimic::core
