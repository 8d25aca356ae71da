#pragma once
// Bundles: what the bridge loads onto hardware (docs/sim2real.md). A folder with the trained
// run (weights, normaliser, resolved config), the embodiment's YAML and action layout, the
// randomised validation report the policy passed, and manifest.json with the SHA-256 of every
// other file. Written atomically (a partial folder is renamed into place); loading refuses a
// bundle whose sums, file list, format version or embodiment do not match.

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace immimic::sim2real {

constexpr int kBundleFormatVersion = 1;
constexpr char kBundleFormat[] = "immimic-bundle";

struct BundleContents {
  std::string embodiment, task, method;
  // bundle-relative path -> source file to copy
  std::map<std::string, std::string> files;
  // bundle-relative path -> JSON document to write
  std::map<std::string, nlohmann::json> documents;
};

// Writes the bundle to `out` (replacing an older bundle there only once the new one is
// complete). Throws core::Error on I/O failure, leaving `out` as it was.
void WriteBundle(const std::string& out, const BundleContents& contents);

struct LoadedBundle {
  std::string dir;
  nlohmann::json manifest;
  std::string embodiment, task, method;
  std::string Path(const std::string& relative) const { return dir + "/" + relative; }
};

// Checks the manifest (format, version, every file's SHA-256, no unlisted file) and that the
// bundle was made for `expected_embodiment` ("" skips that check). Throws core::InputError
// with a message that says which check failed.
LoadedBundle LoadBundle(const std::string& dir, const std::string& expected_embodiment);

}  // namespace immimic::sim2real
