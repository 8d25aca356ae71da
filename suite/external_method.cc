#include "suite/external_method.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/registry.h"
#include "core/sha256.h"

namespace immimic::suite {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kVariables = {"robot", "human",      "map",     "out", "seed",
                                             "task",  "embodiment", "threads", "root"};

std::vector<std::string> SplitOnSpaces(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// Every {name} in `word` must be a known variable.
void CheckVariables(const std::string& word, const std::string& where, bool has_map) {
  for (size_t open = word.find('{'); open != std::string::npos; open = word.find('{', open + 1)) {
    const size_t close = word.find('}', open);
    IMMIMIC_THROW_UNLESS(close != std::string::npos, core::ConfigError, where,
                         ": unclosed '{' in '", word, "'");
    const std::string name = word.substr(open + 1, close - open - 1);
    IMMIMIC_THROW_UNLESS(std::find(kVariables.begin(), kVariables.end(), name) != kVariables.end(),
                         core::ConfigError, where, ": ",
                         core::UnknownNameMessage("variable", name, kVariables));
    IMMIMIC_THROW_UNLESS(name != "map" || has_map, core::ConfigError, where,
                         ": {map} needs `alignment: action` or `alignment: visual`");
  }
}

std::string Replaced(std::string word, const std::string& from, const std::string& to) {
  for (size_t at = word.find(from); at != std::string::npos; at = word.find(from, at + to.size())) {
    word.replace(at, from.size(), to);
  }
  return word;
}

// The program as an absolute path: as given, or found on PATH.
std::string ResolveProgram(const std::string& program, const std::string& where) {
  if (program.find('/') != std::string::npos) {
    IMMIMIC_THROW_UNLESS(access(program.c_str(), X_OK) == 0, core::ConfigError, where,
                         ": program '", program, "' is not an executable file");
    return fs::absolute(program).string();
  }
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = fs::path(dir) / program;
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  throw core::ConfigError(where + ": program '" + program + "' is not on PATH");
}

ExternalMethod ReadOne(const std::string& name, const core::YamlNode& node) {
  ExternalMethod m;
  m.name = name;
  m.alignment = node.GetOr<std::string>("alignment", "");
  IMMIMIC_THROW_UNLESS(m.alignment.empty() || m.alignment == "action" || m.alignment == "visual",
                       core::ConfigError, node.Where(), ".alignment: ",
                       core::UnknownNameMessage("alignment", m.alignment, {"action", "visual"}));
  const std::string root = core::ProjectRoot();
  for (std::string word : SplitOnSpaces(node.Get<std::string>("command"))) {
    CheckVariables(word, node.Where() + ".command", !m.alignment.empty());
    m.command.push_back(Replaced(word, "{root}", root));
  }
  IMMIMIC_THROW_UNLESS(!m.command.empty(), core::ConfigError, node.Where(), ".command is empty");
  m.command[0] = ResolveProgram(m.command[0], node.Where() + ".command");
  if (node.Has("files")) {
    for (const core::YamlNode& item : node.Child("files").Items()) {
      const fs::path file = fs::path(item.As<std::string>()).is_absolute()
                                ? fs::path(item.As<std::string>())
                                : fs::path(root) / item.As<std::string>();
      IMMIMIC_THROW_UNLESS(fs::is_regular_file(file), core::ConfigError, item.Where(), ": no file ",
                           file.string());
      m.files.push_back(file.string());
    }
  }
  node.RejectUnknownKeys();
  return m;
}

}  // namespace

std::vector<ExternalMethod> ReadExternalMethods(const core::YamlNode& node,
                                                const std::vector<std::string>& builtin) {
  std::vector<ExternalMethod> methods;
  for (const std::string& name : node.Keys()) {
    IMMIMIC_THROW_UNLESS(std::find(builtin.begin(), builtin.end(), name) == builtin.end(),
                         core::ConfigError, node.Where(), ".", name,
                         ": a built-in method has that name");
    IMMIMIC_THROW_UNLESS(!name.empty() && name.find_first_of("/ {}") == std::string::npos,
                         core::ConfigError, node.Where(), ": bad method name '", name, "'");
    methods.push_back(ReadOne(name, node.Child(name)));
  }
  node.RejectUnknownKeys();
  return methods;
}

std::vector<std::string> ExternalTrainArgs(const ExternalMethod& method, uint64_t seed,
                                           const std::string& task, const std::string& embodiment,
                                           int threads) {
  const std::map<std::string, std::string> values = {
      {"{robot}", "{dep:0}/data.hdf5"}, {"{human}", "{dep:1}/data.hdf5"},
      {"{map}", "{dep:2}/map.json"},    {"{out}", "{dir}/policy.pt"},
      {"{seed}", std::to_string(seed)}, {"{task}", task},
      {"{embodiment}", embodiment},     {"{threads}", std::to_string(threads)}};
  std::vector<std::string> args;
  for (std::string word : method.command) {
    for (const auto& [from, to] : values) word = Replaced(word, from, to);
    args.push_back(word);
  }
  return args;
}

std::string ExternalMethodDigest(const ExternalMethod& method) {
  std::string text;
  for (const std::string& word : method.command) text += word + "\n";
  text += "alignment " + method.alignment + "\n";
  for (const std::string& file : method.files) text += core::Sha256OfFile(file) + "\n";
  return core::Sha256Hex(text);
}

}  // namespace immimic::suite
