#pragma once
// Options shared by the subcommands that build an Env: --config FILE, then --embodiment and
// --task on top of it.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "envs/env_config.h"

namespace immimic::cli {

struct EnvOptions {
  std::string config_file;
  std::string embodiment;
  std::string task;
  bool task_set = false;
};

void AddEnvOptions(CLI::App* sub, EnvOptions* options);
// The resolved config: built-in defaults, then the file (strict), then the flags.
envs::EnvConfig ResolveEnvConfig(const EnvOptions& options);

}  // namespace immimic::cli
