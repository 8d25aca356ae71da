// The strict YAML configs a user hands the program, on arbitrary text: the first byte picks the
// parser (env, embodiment, randomisation, retargeting, hardware, task; for a task the second byte
// picks which). Bad text must end in an exception derived from core::Error (ConfigError naming the
// key), never in a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/strict_yaml.h"
#include "envs/embodiment_spec.h"
#include "envs/env_config.h"
#include "envs/randomization.h"
#include "envs/tasks/flip.h"
#include "envs/tasks/hammer.h"
#include "envs/tasks/pick_place.h"
#include "envs/tasks/push.h"
#include "mapping/retarget_config.h"
#include "sim2real/hardware_config.h"
#include "tests/fuzz/fuzz_input.h"

using namespace immimic;

namespace {

// configs/tasks/<task>.yaml through its task's parser; `data` starts at the task byte.
void ParseTaskConfig(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0:
      envs::ParsePickPlaceConfig(core::YamlNode::LoadString(text, "pick_place.yaml"));
      break;
    case 1:
      envs::ParsePushConfig(core::YamlNode::LoadString(text, "push.yaml"));
      break;
    case 2:
      envs::ParseFlipConfig(core::YamlNode::LoadString(text, "flip.yaml"));
      break;
    default:
      envs::ParseHammerConfig(core::YamlNode::LoadString(text, "hammer.yaml"));
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    // % 6 since the task configs came (selector 5): first bytes 0 to 4 kept their parser
    switch (data[0] % 6) {
      case 0:
        envs::ValidateEnvConfig(envs::ParseEnvConfig(core::YamlNode::LoadString(text, "env.yaml")));
        break;
      case 1:
        envs::ParseEmbodimentSpec(core::YamlNode::LoadString(text, "embodiment.yaml"));
        break;
      case 2:
        envs::ParseRandomization(core::YamlNode::LoadString(text, "r.yaml"), "r");
        break;
      case 3:
        mapping::ParseRetargetConfig(core::YamlNode::LoadString(text, "retarget.yaml"));
        break;
      case 4:
        sim2real::LoadHardwareConfig(fuzz::WriteScratch("hardware.yaml", data + 1, size - 1));
        break;
      default:
        ParseTaskConfig(data + 1, size - 1);
        break;
    }
  } catch (const core::Error&) {
  }
  return 0;
}
