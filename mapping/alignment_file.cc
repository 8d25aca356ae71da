#include "mapping/alignment_file.h"

#include <cmath>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::mapping {

double AlignmentFile::MeanStepCost() const {
  if (pairs.empty()) return 0.0;
  double sum = 0.0;
  for (const AlignedPair& pair : pairs) sum += pair.mean_step_cost;
  return sum / static_cast<double>(pairs.size());
}

AlignmentFile MakeAlignmentFile(const AllPairsAlignment& alignment, std::string mode,
                                std::vector<std::string> human_demo_names,
                                std::vector<std::string> robot_demo_names,
                                std::vector<int> human_frames, std::vector<int> robot_frames) {
  IMMIMIC_THROW_UNLESS(static_cast<int>(human_demo_names.size()) == alignment.human_demos &&
                           static_cast<int>(robot_demo_names.size()) == alignment.robot_demos &&
                           human_frames.size() == human_demo_names.size() &&
                           robot_frames.size() == robot_demo_names.size(),
                       core::InputError, "alignment file: ", human_demo_names.size(), " human and ",
                       robot_demo_names.size(), " robot names for ", alignment.human_demos, " x ",
                       alignment.robot_demos, " demos");
  AlignmentFile file;
  file.mode = std::move(mode);
  file.human_demo_names = std::move(human_demo_names);
  file.robot_demo_names = std::move(robot_demo_names);
  file.human_frames = std::move(human_frames);
  file.robot_frames = std::move(robot_frames);
  for (const PairAlignment& pair : alignment.pairs) {
    file.pairs.push_back({pair.robot_frame, pair.dtw.cost, pair.mean_step_cost,
                          static_cast<int>(pair.dtw.path.size())});
  }
  return file;
}

namespace {

void CheckNames(const std::vector<std::string>& names, const std::vector<int>& frames,
                const std::string& where, const std::string& side) {
  IMMIMIC_THROW_UNLESS(!names.empty(), core::InputError, where, ": ", side, "_demos: empty");
  IMMIMIC_THROW_UNLESS(frames.size() == names.size(), core::InputError, where, ": ", side,
                       "_frames: ", frames.size(), " entries for ", names.size(), " demos");
  std::set<std::string> seen;
  for (size_t k = 0; k < names.size(); ++k) {
    IMMIMIC_THROW_UNLESS(!names[k].empty() && seen.insert(names[k]).second, core::InputError, where,
                         ": ", side, "_demos[", k, "]: empty or repeated name '", names[k], "'");
    IMMIMIC_THROW_UNLESS(frames[k] > 0, core::InputError, where, ": ", side, "_frames[", k,
                         "]: ", frames[k], " frames");
  }
}

}  // namespace

void ValidateAlignmentFile(const AlignmentFile& f, const std::string& where) {
  IMMIMIC_THROW_UNLESS(f.mode == "action" || f.mode == "visual", core::InputError, where,
                       ": mode: must be action or visual, got '", f.mode, "'");
  CheckNames(f.human_demo_names, f.human_frames, where, "human");
  CheckNames(f.robot_demo_names, f.robot_frames, where, "robot");
  const size_t expected = f.human_demo_names.size() * f.robot_demo_names.size();
  IMMIMIC_THROW_UNLESS(f.pairs.size() == expected, core::InputError, where,
                       ": pairs: ", f.pairs.size(), " entries, expected ",
                       f.human_demo_names.size(), " x ", f.robot_demo_names.size(), " = ",
                       expected);
  IMMIMIC_THROW_UNLESS(
      nlohmann::json::accept(f.settings_json) && nlohmann::json::parse(f.settings_json).is_object(),
      core::InputError, where, ": settings: not a JSON object");
  for (int h = 0; h < f.num_human(); ++h) {
    for (int r = 0; r < f.num_robot(); ++r) {
      const AlignedPair& p = f.at(h, r);
      const std::string name = where + ": pairs[" + std::to_string(h * f.num_robot() + r) + "] (" +
                               f.human_demo_names[h] + ", " + f.robot_demo_names[r] + ")";
      const int n = f.human_frames[h], m = f.robot_frames[r];
      IMMIMIC_THROW_UNLESS(static_cast<int>(p.robot_frame.size()) == n, core::InputError, name,
                           ": robot_frame has ", p.robot_frame.size(), " entries for ", n,
                           " human frames");
      for (int i = 0; i < n; ++i) {
        IMMIMIC_THROW_UNLESS(p.robot_frame[i] >= 0 && p.robot_frame[i] < m, core::InputError, name,
                             ": robot_frame[", i, "] = ", p.robot_frame[i], " outside [0, ", m,
                             ")");
        IMMIMIC_THROW_UNLESS(i == 0 || p.robot_frame[i] >= p.robot_frame[i - 1], core::InputError,
                             name, ": robot_frame decreases at human frame ", i);
      }
      IMMIMIC_THROW_UNLESS(std::isfinite(p.cost) && p.cost >= 0.0 &&
                               std::isfinite(p.mean_step_cost) && p.mean_step_cost >= 0.0,
                           core::InputError, name, ": cost ", p.cost, " / mean_step_cost ",
                           p.mean_step_cost, " must be finite and >= 0");
      IMMIMIC_THROW_UNLESS(p.path_length >= std::max(n, m) && p.path_length <= n + m - 1,
                           core::InputError, name, ": path_length ", p.path_length,
                           " impossible for ", n, " x ", m, " frames");
    }
  }
}

void WriteAlignmentFile(const std::string& path, const AlignmentFile& f) {
  ValidateAlignmentFile(f, path);
  nlohmann::ordered_json j;
  j["format"] = kAlignmentFormat;
  j["version"] = kAlignmentVersion;
  j["mode"] = f.mode;
  j["embodiment"] = f.embodiment;
  j["human_file"] = f.human_file;
  j["robot_file"] = f.robot_file;
  j["settings"] = nlohmann::ordered_json::parse(f.settings_json);
  j["human_demos"] = f.human_demo_names;
  j["human_frames"] = f.human_frames;
  j["robot_demos"] = f.robot_demo_names;
  j["robot_frames"] = f.robot_frames;
  j["mean_step_cost"] = f.MeanStepCost();
  nlohmann::ordered_json pairs = nlohmann::ordered_json::array();
  for (size_t k = 0; k < f.pairs.size(); ++k) {
    const AlignedPair& p = f.pairs[k];
    pairs.push_back({{"human", k / f.robot_demo_names.size()},
                     {"robot", k % f.robot_demo_names.size()},
                     {"cost", p.cost},
                     {"mean_step_cost", p.mean_step_cost},
                     {"path_length", p.path_length},
                     {"robot_frame", p.robot_frame}});
  }
  j["pairs"] = std::move(pairs);
  core::WriteFileAtomically(path, j.dump(1) + "\n");
}

namespace {

template <typename T>
T Field(const nlohmann::json& j, const char* key, const std::string& where) {
  IMMIMIC_THROW_UNLESS(j.is_object() && j.contains(key), core::InputError, where, ": missing '",
                       key, "'");
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw core::InputError(where + ": '" + key + "' has the wrong type");
  }
}

}  // namespace

AlignmentFile ReadAlignmentFile(const std::string& path) {
  std::string text;
  try {
    text = core::ReadFile(path);
  } catch (const core::Error& e) {
    throw core::InputError(std::string("alignment file: ") + e.what());
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(path + ": not a JSON alignment file (" + e.what() + ")");
  }
  IMMIMIC_THROW_UNLESS(j.is_object() && j.value("format", "") == kAlignmentFormat, core::InputError,
                       path, ": format: not an ", kAlignmentFormat, " file");
  const int version = Field<int>(j, "version", path);
  IMMIMIC_THROW_UNLESS(version == kAlignmentVersion, core::InputError, path, ": version ", version,
                       " is not supported (this build reads version ", kAlignmentVersion, ")");
  AlignmentFile f;
  f.mode = Field<std::string>(j, "mode", path);
  f.embodiment = Field<std::string>(j, "embodiment", path);
  f.human_file = Field<std::string>(j, "human_file", path);
  f.robot_file = Field<std::string>(j, "robot_file", path);
  IMMIMIC_THROW_UNLESS(j.contains("settings") && j["settings"].is_object(), core::InputError, path,
                       ": settings: missing or not an object");
  f.settings_json = j["settings"].dump();
  f.human_demo_names = Field<std::vector<std::string>>(j, "human_demos", path);
  f.human_frames = Field<std::vector<int>>(j, "human_frames", path);
  f.robot_demo_names = Field<std::vector<std::string>>(j, "robot_demos", path);
  f.robot_frames = Field<std::vector<int>>(j, "robot_frames", path);
  IMMIMIC_THROW_UNLESS(j.contains("pairs") && j["pairs"].is_array(), core::InputError, path,
                       ": pairs: missing or not a list");
  const size_t robots = f.robot_demo_names.size();
  for (size_t k = 0; k < j["pairs"].size(); ++k) {
    const nlohmann::json& item = j["pairs"][k];
    const std::string where = path + ": pairs[" + std::to_string(k) + "]";
    IMMIMIC_THROW_UNLESS(robots > 0 && Field<size_t>(item, "human", where) == k / robots &&
                             Field<size_t>(item, "robot", where) == k % robots,
                         core::InputError, where, ": pairs must be listed human-major");
    f.pairs.push_back(
        {Field<std::vector<int>>(item, "robot_frame", where), Field<double>(item, "cost", where),
         Field<double>(item, "mean_step_cost", where), Field<int>(item, "path_length", where)});
  }
  ValidateAlignmentFile(f, path);
  return f;
}

}  // namespace immimic::mapping
