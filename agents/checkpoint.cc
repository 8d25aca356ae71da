#include "agents/checkpoint.h"

#include <filesystem>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/sha256.h"

namespace immimic::agents {
namespace fs = std::filesystem;
namespace {

constexpr int kFormatVersion = 1;
constexpr char kConfigFile[] = "policy.yaml";
constexpr char kNormalizerFile[] = "normalizer.json";
constexpr char kWeightsFile[] = "weights.pt";
constexpr char kMetaFile[] = "policy.json";

std::string ShapeText(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

std::string ReadRequired(const std::string& path) {
  IMMIMIC_THROW_UNLESS(fs::is_regular_file(path), core::InputError, path,
                       ": missing (not a policy checkpoint folder?)");
  return core::ReadFile(path);
}

nlohmann::json ParseJson(const std::string& path) {
  try {
    return nlohmann::json::parse(ReadRequired(path));
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(path + ": corrupt JSON: " + e.what());
  }
}

}  // namespace

void SaveCheckpoint(const std::string& dir, DiffusionPolicy& policy,
                    const PolicyNormalizer& normalizer) {
  IMMIMIC_THROW_UNLESS(normalizer.action.dim() == static_cast<size_t>(policy->action_dim()) &&
                           normalizer.proprio.dim() == static_cast<size_t>(policy->proprio_dim()),
                       core::InputError, "checkpoint: normaliser sizes (action ",
                       normalizer.action.dim(), ", proprio ", normalizer.proprio.dim(),
                       ") differ from the policy's (action ", policy->action_dim(), ", proprio ",
                       policy->proprio_dim(), ")");
  std::error_code error;
  fs::create_directories(dir, error);
  IMMIMIC_THROW_UNLESS(fs::is_directory(dir), core::Error, dir, ": cannot create folder (",
                       error.message(), ")");

  const fs::path root(dir);
  nlohmann::json meta = {{"format_version", kFormatVersion},
                         {"kind", "diffusion_policy"},
                         {"proprio_dim", policy->proprio_dim()},
                         {"action_dim", policy->action_dim()},
                         {"parameters", policy->parameter_count()}};
  // (final path, temporary path) of every file; renamed together once all are written
  std::vector<std::pair<std::string, std::string>> files;
  auto write_text = [&](const char* name, const std::string& text) {
    const std::string path = (root / name).string();
    const std::string temp = core::TemporaryPathFor(path);
    core::WriteFileAtomically(temp, text);
    files.emplace_back(path, temp);
  };
  try {
    write_text(kConfigFile, PolicyConfigToYaml(policy->config()));
    write_text(kNormalizerFile, normalizer.ToJson().dump(2) + "\n");
    const std::string weights = (root / kWeightsFile).string();
    const std::string weights_temp = core::TemporaryPathFor(weights);
    torch::serialize::OutputArchive archive;
    for (const auto& p : policy->named_parameters()) archive.write(p.key(), p.value());
    for (const auto& b : policy->named_buffers()) archive.write(b.key(), b.value(), true);
    // through memory: saved to a path, the archive's inner folder is named after the temporary
    // file (with the process id), so the bytes would differ from run to run
    std::ostringstream bytes;
    archive.save_to(bytes);
    core::WriteFileAtomically(weights_temp, bytes.str());
    files.emplace_back(weights, weights_temp);
    meta["weights_sha256"] = core::Sha256Hex(bytes.str());
    write_text(kMetaFile, meta.dump(2) + "\n");
  } catch (const c10::Error& e) {
    for (const auto& [path, temp] : files) fs::remove(temp, error);
    throw core::Error(dir + ": cannot write the weights: " + e.what_without_backtrace());
  } catch (...) {
    for (const auto& [path, temp] : files) fs::remove(temp, error);
    throw;
  }
  for (const auto& [path, temp] : files) core::CommitTemporary(temp, path);
}

PolicyCheckpoint LoadCheckpoint(const std::string& dir) {
  IMMIMIC_THROW_UNLESS(fs::is_directory(dir), core::InputError, dir,
                       ": no such policy checkpoint folder");
  const fs::path root(dir);
  const std::string meta_path = (root / kMetaFile).string();
  const nlohmann::json meta = ParseJson(meta_path);
  int proprio_dim = 0, action_dim = 0;
  std::string weights_sha256;  // absent in checkpoints written before it was recorded
  try {
    weights_sha256 = meta.value("weights_sha256", "");
    IMMIMIC_THROW_UNLESS(meta.at("format_version").get<int>() == kFormatVersion, core::InputError,
                         meta_path, ": format_version ", meta["format_version"],
                         " is not supported (expected ", kFormatVersion, ")");
    proprio_dim = meta.at("proprio_dim").get<int>();
    action_dim = meta.at("action_dim").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(meta_path + ": malformed: " + e.what());
  }

  PolicyCheckpoint checkpoint;
  const std::string config_path = (root / kConfigFile).string();
  ReadRequired(config_path);
  try {
    checkpoint.config = LoadPolicyConfig(config_path);
  } catch (const core::ConfigError& e) {
    throw core::InputError(e.what());  // the message names the file
  }
  const std::string normalizer_path = (root / kNormalizerFile).string();
  checkpoint.normalizer = PolicyNormalizer::FromJson(ParseJson(normalizer_path), normalizer_path);
  IMMIMIC_THROW_UNLESS(checkpoint.normalizer.action.dim() == static_cast<size_t>(action_dim) &&
                           checkpoint.normalizer.proprio.dim() == static_cast<size_t>(proprio_dim),
                       core::InputError, normalizer_path, ": sizes (action ",
                       checkpoint.normalizer.action.dim(), ", proprio ",
                       checkpoint.normalizer.proprio.dim(), ") differ from ", meta_path,
                       " (action ", action_dim, ", proprio ", proprio_dim, ")");

  try {
    checkpoint.policy = DiffusionPolicy(checkpoint.config, proprio_dim, action_dim);
  } catch (const core::ConfigError& e) {
    throw core::InputError(meta_path + ": " + e.what());
  }
  const std::string weights_path = (root / kWeightsFile).string();
  ReadRequired(weights_path);
  // LibTorch's deserialiser trusts the sizes in the file (a damaged one can make it allocate
  // gigabytes): it only sees the bytes this project wrote
  IMMIMIC_THROW_UNLESS(weights_sha256.empty() || core::Sha256OfFile(weights_path) == weights_sha256,
                       core::InputError, weights_path,
                       ": damaged (its SHA-256 differs from the one ", meta_path, " recorded)");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(weights_path);
    std::set<std::string> expected;
    torch::NoGradGuard no_grad;
    auto read = [&](const std::string& key, torch::Tensor& target, bool is_buffer) {
      expected.insert(key);
      torch::Tensor stored;
      IMMIMIC_THROW_UNLESS(archive.try_read(key, stored, is_buffer), core::InputError, weights_path,
                           ": missing tensor '", key, "'");
      IMMIMIC_THROW_UNLESS(
          stored.sizes() == target.sizes() && stored.scalar_type() == target.scalar_type(),
          core::InputError, weights_path, ": tensor '", key, "' has shape ", ShapeText(stored),
          ", the config builds ", ShapeText(target));
      target.copy_(stored);
    };
    for (auto& p : checkpoint.policy->named_parameters()) read(p.key(), p.value(), false);
    for (auto& b : checkpoint.policy->named_buffers()) read(b.key(), b.value(), true);
    for (const std::string& key : archive.keys()) {
      IMMIMIC_THROW_UNLESS(expected.count(key), core::InputError, weights_path,
                           ": unexpected tensor '", key, "' (written by another network?)");
    }
  } catch (const c10::Error& e) {
    throw core::InputError(weights_path + ": corrupt or unreadable: " + e.what_without_backtrace());
  }
  return checkpoint;
}

}  // namespace immimic::agents
