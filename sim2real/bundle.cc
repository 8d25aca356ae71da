#include "sim2real/bundle.h"

#include <filesystem>
#include <system_error>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/sha256.h"

namespace immimic::sim2real {
namespace fs = std::filesystem;
namespace {

void CheckRelative(const std::string& relative) {
  const fs::path p(relative);
  IMMIMIC_THROW_UNLESS(!relative.empty() && p.is_relative() && relative != "manifest.json",
                       core::Error, "bundle: bad file name '", relative, "'");
  for (const auto& part : p) {
    IMMIMIC_THROW_UNLESS(part != "..", core::Error, "bundle: bad file name '", relative, "'");
  }
}

nlohmann::json WriteFiles(const fs::path& partial, const BundleContents& contents) {
  nlohmann::json sums = nlohmann::json::object();
  for (const auto& [relative, source] : contents.files) {
    CheckRelative(relative);
    fs::create_directories((partial / relative).parent_path());
    fs::copy_file(source, partial / relative);
    sums[relative] = core::Sha256OfFile((partial / relative).string());
  }
  for (const auto& [relative, document] : contents.documents) {
    CheckRelative(relative);
    core::WriteFileAtomically((partial / relative).string(), document.dump(2) + "\n");
    sums[relative] = core::Sha256OfFile((partial / relative).string());
  }
  return sums;
}

// Moves the finished folder into place; an older bundle at `out` goes only after that.
void CommitFolder(const fs::path& partial, const fs::path& out) {
  const fs::path old = out.string() + ".old";
  fs::remove_all(old);
  if (fs::exists(out)) fs::rename(out, old);
  fs::rename(partial, out);
  fs::remove_all(old);
}

std::string RequireString(const nlohmann::json& manifest, const char* key, const std::string& at) {
  IMMIMIC_THROW_UNLESS(manifest.contains(key) && manifest[key].is_string(), core::InputError, at,
                       ": manifest has no string '", key, "'");
  return manifest[key].get<std::string>();
}

void CheckFiles(const fs::path& dir, const nlohmann::json& files, const std::string& at) {
  IMMIMIC_THROW_UNLESS(files.is_object() && !files.empty(), core::InputError, at,
                       ": manifest lists no files");
  for (const auto& [relative, sum] : files.items()) {
    IMMIMIC_THROW_UNLESS(sum.is_string(), core::InputError, at, ": no SHA-256 for ", relative);
    const fs::path path = dir / relative;
    IMMIMIC_THROW_UNLESS(relative.find("..") == std::string::npos && fs::is_regular_file(path),
                         core::InputError, at, ": file ", relative, " is missing");
    IMMIMIC_THROW_UNLESS(core::Sha256OfFile(path.string()) == sum.get<std::string>(),
                         core::InputError, at, ": SHA-256 of ", relative,
                         " does not match the manifest (the bundle was changed or damaged)");
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = fs::relative(entry.path(), dir).string();
    IMMIMIC_THROW_UNLESS(relative == "manifest.json" || files.contains(relative), core::InputError,
                         at, ": file ", relative,
                         " is not in the manifest (the bundle was changed)");
  }
}

}  // namespace

void WriteBundle(const std::string& out, const BundleContents& contents) {
  const fs::path target = fs::absolute(out);
  const fs::path partial = core::TemporaryPathFor(target.string());
  try {
    fs::create_directories(partial);
    nlohmann::json manifest = {{"format", kBundleFormat},
                               {"format_version", kBundleFormatVersion},
                               {"software_version", core::SoftwareVersion()},
                               {"embodiment", contents.embodiment},
                               {"task", contents.task},
                               {"method", contents.method},
                               {"files", WriteFiles(partial, contents)}};
    core::WriteFileAtomically((partial / "manifest.json").string(), manifest.dump(2) + "\n");
    CommitFolder(partial, target);
  } catch (const fs::filesystem_error& e) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    throw core::Error("bundle " + out + ": " + e.what());
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    throw;
  }
}

LoadedBundle LoadBundle(const std::string& dir, const std::string& expected_embodiment) {
  const std::string at = "bundle " + dir;
  const fs::path manifest_path = fs::path(dir) / "manifest.json";
  IMMIMIC_THROW_UNLESS(fs::is_regular_file(manifest_path), core::InputError, at,
                       ": no manifest.json (not a bundle from immimic export)");
  LoadedBundle bundle;
  bundle.dir = dir;
  try {
    bundle.manifest = nlohmann::json::parse(core::ReadFile(manifest_path.string()));
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(at + ": manifest.json is not valid JSON (" + e.what() + ")");
  }
  const nlohmann::json& m = bundle.manifest;
  IMMIMIC_THROW_UNLESS(m.is_object() && RequireString(m, "format", at) == kBundleFormat,
                       core::InputError, at, ": not an ", kBundleFormat);
  IMMIMIC_THROW_UNLESS(m.contains("format_version") && m["format_version"].is_number_integer() &&
                           m["format_version"].get<int>() == kBundleFormatVersion,
                       core::InputError, at, ": format version ",
                       m.contains("format_version") ? m["format_version"].dump() : "(none)",
                       " is not one this build reads (", kBundleFormatVersion, ")");
  bundle.embodiment = RequireString(m, "embodiment", at);
  bundle.task = RequireString(m, "task", at);
  bundle.method = RequireString(m, "method", at);
  IMMIMIC_THROW_UNLESS(expected_embodiment.empty() || bundle.embodiment == expected_embodiment,
                       core::InputError, at, ": made for the ", bundle.embodiment,
                       ", but the hardware is the ", expected_embodiment);
  IMMIMIC_THROW_UNLESS(m.contains("files"), core::InputError, at, ": manifest lists no files");
  CheckFiles(dir, m["files"], at);
  return bundle;
}

}  // namespace immimic::sim2real
