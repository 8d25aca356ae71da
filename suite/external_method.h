#pragma once
// A method from outside the project, named in a suite file under `external_methods`: a command
// that trains from the suite's data files and writes a TorchScript policy
// (agents/torchscript_policy.h), which the suite evaluates exactly as a built-in method's run.
//
//   external_methods:
//     bc_example:
//       command: /usr/bin/python3 {root}/examples/bc_policy.py --robot {robot} --out {out}
//       files: [examples/bc_policy.py]   # their content is part of the stage key
//       alignment: action                # optional: action | visual makes {map} available
//
// The command is split on spaces (no shell). Variables: {robot} {human} (robomimic-layout
// HDF5: the robot demos and the retargeted human videos), {map} (the alignment file), {out}
// (the TorchScript file to write), {seed} {task} {embodiment}, {threads} (the suite's
// threads_per_job), and {root} (the project root). The command runs in the stage's folder.
#include <string>
#include <vector>

#include "core/strict_yaml.h"

namespace immimic::suite {

struct ExternalMethod {
  std::string name;
  std::vector<std::string> command;  // argv; the program resolved to an absolute path
  std::vector<std::string> files;    // absolute paths
  std::string alignment;             // "" | action | visual
};

// Reads the `external_methods` map. Throws core::ConfigError naming the key for an empty or
// unknown variable, {map} without an alignment, a program or file that does not exist, or a
// name that is also a built-in method's (`builtin`).
std::vector<ExternalMethod> ReadExternalMethods(const core::YamlNode& node,
                                                const std::vector<std::string>& builtin);

// The command's argv for one training stage, with {robot}, {human}, {map} and {out} turned into
// the stage graph's folder markers ({dep:0}, {dep:1}, {dep:2}, {dir}).
std::vector<std::string> ExternalTrainArgs(const ExternalMethod& method, uint64_t seed,
                                           const std::string& task, const std::string& embodiment,
                                           int threads);

// The SHA-256 of the command and of every listed file's content: part of the stage key.
std::string ExternalMethodDigest(const ExternalMethod& method);

}  // namespace immimic::suite
