#include "sim2real/bridge.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <limits>
#include <sstream>
#include <thread>

#include "core/rotation.h"
#include "datasets/stream_log.h"

namespace immimic::sim2real {
namespace {

using Clock = std::chrono::steady_clock;
std::atomic<int> g_signal{0};

extern "C" void OnStopSignal(int signal) { g_signal.store(signal); }

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t index = static_cast<size_t>(std::ceil(q * values.size())) - 1;
  return values[std::min(index, values.size() - 1)];
}

std::string Seconds(double s) {
  std::ostringstream out;
  out.precision(3);
  out << std::fixed << s << " s";
  return out.str();
}

// "" when both inputs are fresh, else which is stale and how old it is.
std::string Staleness(const WatchdogLimits& w, double frame_age, double state_age) {
  if (frame_age > w.max_frame_age) return "stale camera frame (" + Seconds(frame_age) + " old)";
  if (state_age > w.max_state_age) return "stale device state (" + Seconds(state_age) + " old)";
  return "";
}

Eigen::VectorXd Proprio(const MeasuredState& m) {
  Eigen::VectorXd p(7 + m.hand.size());
  p.head<3>() = m.tcp_position;
  core::QuatToWxyz(m.tcp_orientation, p.data() + 3);
  p.tail(m.hand.size()) = m.hand;
  return p;
}

Eigen::VectorXd Scalar(double value) { return Eigen::VectorXd::Constant(1, value); }

// One loop run's mutable state: what the steps share and what the report is made from.
struct LoopState {
  SafetyFilter filter;
  datasets::StreamLog log;
  BridgeReport report;
  std::vector<double> periods, latencies;
  DeviceState state;
  bool have_state = false, devices_answer = true;
  double stale_since = -1.0;
  int overruns = 0;
};

std::vector<datasets::LogColumn> LogColumns(int hand_dims) {
  const int action = 6 + hand_dims;
  return {{"time", 1},
          {"period", 1},
          {"policy_latency", 1},
          {"proprio", 7 + hand_dims},
          {"raw_command", action},
          {"command", action},
          {"sent", 1},
          {"clamps", 1}};
}

}  // namespace

std::string FileAndSignalStop::Requested() {
  if (const int signal = g_signal.load()) {
    return signal == SIGINT ? "operator interrupt (SIGINT)"
                            : "operator stop (signal " + std::to_string(signal) + ")";
  }
  if (!estop_file_.empty() && std::filesystem::exists(estop_file_)) {
    return "e-stop pressed (" + estop_file_ + " exists)";
  }
  return "";
}

void FileAndSignalStop::InstallSignalHandlers() {
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
}

Bridge::Bridge(const HardwareConfig& hardware, RobotDevices& devices, CameraSource& cameras,
               StopInput& stop, agents::Policy& policy)
    : hardware_(hardware), devices_(devices), cameras_(cameras), stop_(stop), policy_(policy) {}

BridgeReport Bridge::Run(const BridgeOptions& o) {
  const Clock::time_point start = Clock::now();
  auto now = [start] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  const double period = 1.0 / hardware_.control_hz;
  const int hand_dims = static_cast<int>(hardware_.safety.hand_low.size());
  const WatchdogLimits& watchdog = hardware_.watchdog;
  LoopState s{SafetyFilter(hardware_.safety, hardware_.control_hz),
              datasets::StreamLog(o.log_path, LogColumns(hand_dims)),
              {},
              {},
              {},
              {},
              false,
              true,
              -1.0,
              0};
  s.log.Event(0.0, "start: hardware " + hardware_.name + ", embodiment " + hardware_.embodiment +
                       (o.dry_run ? ", dry run" : ""));
  policy_.Reset(o.seed);
  std::string reason;
  double next_tick = 0.0, last_start = -1.0;
  const Eigen::VectorXd no_command =
      Eigen::VectorXd::Constant(6 + hand_dims, std::numeric_limits<double>::quiet_NaN());

  while (reason.empty()) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(next_tick)));
    const double t = now();
    const double loop_period = last_start < 0 ? period : t - last_start;
    if (last_start >= 0) s.periods.push_back(loop_period);
    last_start = t;
    next_tick = std::max(next_tick + period, t);
    if (t >= o.duration) {
      reason = "duration reached";
      s.report.clean_end = true;
      break;
    }
    if (std::string request = stop_.Requested(); !request.empty()) {
      reason = request;
      break;
    }
    envs::Observation obs;
    double frame_stamp = 0.0;
    try {
      s.state = devices_.Read(t);
      frame_stamp = cameras_.Grab(t, &obs);
    } catch (const DeviceError& e) {
      reason = std::string("device: ") + e.what();
      s.devices_answer = false;
      break;
    }
    if (!s.have_state) s.filter.Reset(s.state.measured);
    s.have_state = true;
    const double checked = now();
    const std::string stale = Staleness(watchdog, checked - frame_stamp, checked - s.state.stamp);
    Eigen::VectorXd raw = no_command, command;
    int clamps = 0;
    double latency = 0.0;
    if (!stale.empty()) {
      if (s.stale_since < 0) {
        s.stale_since = checked;
        s.log.Event(checked, "hold: " + stale);
      }
      if (checked - s.stale_since >= watchdog.hold_before_stop) {
        reason = "watchdog: " + stale + ", held " + Seconds(checked - s.stale_since);
        break;
      }
      command = s.filter.HoldCommand(s.state.measured);
      ++s.report.held_steps;
    } else {
      if (s.stale_since >= 0) s.log.Event(checked, "resume: inputs fresh again");
      s.stale_since = -1.0;
      obs.proprio = Proprio(s.state.measured);
      obs.time = t;
      const Clock::time_point before = Clock::now();
      try {
        raw = policy_.Act(obs);
      } catch (const std::exception& e) {
        reason = std::string("policy: ") + e.what();
        break;
      }
      latency = std::chrono::duration<double>(Clock::now() - before).count();
      s.latencies.push_back(latency);
      FilteredCommand filtered = s.filter.Apply(raw, s.state.measured);
      if (!filtered.stop_reason.empty()) {
        reason = "safety: " + filtered.stop_reason;
        break;
      }
      for (const std::string& clamp : filtered.clamps) s.log.Event(now(), "clamp: " + clamp);
      clamps = static_cast<int>(filtered.clamps.size());
      s.report.clamped_steps += clamps > 0;
      command = std::move(filtered.command);
    }
    if (!o.dry_run) {
      try {
        devices_.Send(command);
        ++s.report.sent;
      } catch (const DeviceError& e) {
        reason = std::string("device: ") + e.what();
        s.devices_answer = false;
      }
    }
    s.log.Append({Scalar(t), Scalar(loop_period), Scalar(latency), Proprio(s.state.measured), raw,
                  command, Scalar(o.dry_run ? 0.0 : 1.0), Scalar(clamps)});
    ++s.report.steps;
    if (now() > next_tick) {
      ++s.report.missed_deadlines;
      if (++s.overruns >= watchdog.max_missed_deadlines) {
        reason = "watchdog: missed " + std::to_string(s.overruns) + " deadlines in a row";
      }
    } else {
      s.overruns = 0;
    }
  }

  if (s.have_state && s.devices_answer && !o.dry_run) {
    try {
      devices_.Send(s.filter.HoldCommand(s.state.measured));
      s.log.Event(now(), "stopped: holding the measured pose and the last hand command");
    } catch (const DeviceError& e) {
      s.log.Event(now(), std::string("could not send the hold command: ") + e.what());
    }
  }
  s.log.Event(now(), "stop: " + reason);
  s.report.stop_reason = reason;
  s.report.period_p50 = Percentile(s.periods, 0.5);
  s.report.period_p99 = Percentile(s.periods, 0.99);
  s.report.latency_p50 = Percentile(s.latencies, 0.5);
  s.report.latency_p99 = Percentile(s.latencies, 0.99);
  s.log.Close({{"stop_reason", reason},
               {"clean_end", s.report.clean_end ? "true" : "false"},
               {"hardware", hardware_.name}});
  return s.report;
}

}  // namespace immimic::sim2real
