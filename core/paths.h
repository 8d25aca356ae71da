#pragma once
// Locations of the project's data folders (assets/, configs/). IMMIMIC_ROOT overrides the
// source tree baked in at build time, so an installed or moved binary still finds them.

#include <string>
#include <vector>

namespace immimic::core {

std::string ProjectRoot();
// `relative` is under assets/ or configs/; throws core::Error naming the full path if missing.
std::string AssetPath(const std::string& relative);
std::string ConfigPath(const std::string& relative);
// The names (file stems, sorted) of the .yaml files in configs/<folder>/: the registry of
// concepts that are added by files alone (end-effectors, suites). Throws core::Error if the
// folder is missing.
std::vector<std::string> ConfigNames(const std::string& folder);
// A config given on the command line as a name in configs/<folder>/ or as a path ending in
// .yaml. Throws core::InputError for an unknown name (listing the known ones) or a missing file.
std::string NamedConfigPath(const std::string& folder, const std::string& kind,
                            const std::string& name_or_file);
std::string SoftwareVersion();

}  // namespace immimic::core
