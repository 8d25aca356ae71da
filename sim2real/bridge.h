#pragma once
// The bridge's control loop (docs/sim2real.md): at a fixed rate it reads the devices and the
// cameras, runs the policy (which chunks and ensembles inside), passes the action through the
// safety filter and sends it. Watchdogs hold the robot on a stale frame or state and stop it
// when that lasts; missed deadlines in a row, a device error, a non-finite action, the e-stop
// or the end of the run stop it. Stopping sends the hold command (measured pose, last hand
// command: nothing opens) when the devices still answer. Every step, clamp and stop goes to the
// HDF5 log (datasets/stream_log.h) with its reason.

#include <string>

#include "agents/policy.h"
#include "sim2real/devices.h"
#include "sim2real/hardware_config.h"

namespace immimic::sim2real {

struct BridgeOptions {
  double duration = 10.0;  // s; the loop ends normally after this
  bool dry_run = false;    // compute and filter commands, send none
  uint64_t seed = 0;       // the policy's episode seed
  std::string log_path;    // the HDF5 run log
};

struct BridgeReport {
  int steps = 0, sent = 0, clamped_steps = 0, held_steps = 0, missed_deadlines = 0;
  std::string stop_reason;                  // why the loop ended
  bool clean_end = false;                   // it ended because the duration was reached
  double period_p50 = 0, period_p99 = 0;    // s between loop starts
  double latency_p50 = 0, latency_p99 = 0;  // s in the policy per step
};

class Bridge {
 public:
  Bridge(const HardwareConfig& hardware, RobotDevices& devices, CameraSource& cameras,
         StopInput& stop, agents::Policy& policy);
  BridgeReport Run(const BridgeOptions& options);

 private:
  const HardwareConfig& hardware_;
  RobotDevices& devices_;
  CameraSource& cameras_;
  StopInput& stop_;
  agents::Policy& policy_;
};

// Stops while a file exists (HardwareConfig::estop_file) or after SIGINT/SIGTERM once
// InstallSignalHandlers was called.
class FileAndSignalStop : public StopInput {
 public:
  explicit FileAndSignalStop(std::string estop_file) : estop_file_(std::move(estop_file)) {}
  std::string Requested() override;
  static void InstallSignalHandlers();

 private:
  std::string estop_file_;
};

}  // namespace immimic::sim2real
