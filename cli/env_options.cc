#include "cli/env_options.h"

#include "core/error.h"
#include "core/strict_yaml.h"

namespace immimic::cli {

void AddEnvOptions(CLI::App* sub, EnvOptions* options) {
  sub->add_option("--config", options->config_file, "Env config YAML (see configs/env/)");
  sub->add_option("--embodiment", options->embodiment, "robotiq|fin_ray|allegro|ability|human");
  sub->add_option("--task", options->task, "Task (default: a tabletop with a cube)");
}

envs::EnvConfig ResolveEnvConfig(const EnvOptions& options) {
  envs::EnvConfig config;
  if (!options.config_file.empty()) {
    const core::YamlNode root = core::YamlNode::LoadFile(options.config_file);
    config = envs::ParseEnvConfig(root);
    root.RejectUnknownKeys();
  }
  if (!options.embodiment.empty()) config.embodiment = options.embodiment;
  if (!options.task.empty()) config.task = options.task;
  IMMIMIC_THROW_UNLESS(!config.embodiment.empty(), core::InputError,
                       "--embodiment is required (or set it in --config)");
  return config;
}

}  // namespace immimic::cli
