// The strict YAML configs a user hands the program, on arbitrary text: the first byte picks the
// parser (env, embodiment, randomisation, retargeting, hardware). Bad text must end in an
// exception derived from core::Error (ConfigError naming the key), never in a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/strict_yaml.h"
#include "envs/embodiment_spec.h"
#include "envs/env_config.h"
#include "envs/randomization.h"
#include "mapping/retarget_config.h"
#include "sim2real/hardware_config.h"
#include "tests/fuzz/fuzz_input.h"

using namespace immimic;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (data[0] % 5) {
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
      default:
        sim2real::LoadHardwareConfig(fuzz::WriteScratch("hardware.yaml", data + 1, size - 1));
        break;
    }
  } catch (const core::Error&) {
  }
  return 0;
}
