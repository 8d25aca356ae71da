#pragma once
// What `immimic bridge --hardware configs/hardware/NAME.yaml` runs on: the embodiment, the
// device backend, the control rate, the safety limits and the watchdogs (docs/sim2real.md).
// Strict YAML: a missing or unknown key is a core::ConfigError naming the file and key.

#include <cstdint>
#include <string>

#include "sim2real/devices_config.h"
#include "sim2real/safety_filter.h"

namespace immimic::sim2real {

struct WatchdogLimits {
  double max_frame_age = 0.2;     // s: an older camera frame is stale
  double max_state_age = 0.1;     // s: an older device state is stale
  int max_missed_deadlines = 10;  // consecutive control periods overrun: stop
  double hold_before_stop = 0.5;  // s of holding on stale input before stopping
};

struct HardwareConfig {
  std::string name;
  std::string embodiment;  // must match the bundle's
  // "sim": MuJoCo plays every device (configs/hardware/sim_*.yaml, a `sim:` block); "devices":
  // real devices (configs/hardware/real_*.yaml, a `devices:` block)
  std::string backend;
  double control_hz = 30.0;
  SafetyLimits safety;  // hand limits come from the embodiment's YAML
  WatchdogLimits watchdog;
  std::string estop_file;  // while this file exists the e-stop is pressed ("": none)
  uint64_t sim_seed = 0;   // backend sim: the episode seed of the scene (the bundle's task)
  DevicesConfig devices;   // backend devices
};

// `name_or_file`: a name in configs/hardware/ or a path ending in .yaml.
HardwareConfig LoadHardwareConfig(const std::string& name_or_file);

}  // namespace immimic::sim2real
