// The bridge loop (sim2real/bridge.h) on the MuJoCo rig (sim2real/sim_rig.h) with scripted
// policies: a clean run and its log, and every fault ending in a safe stop with a clear reason
// and an intact log: a non-finite action, a stalled camera, a disconnect, slow replies, the
// e-stop. Each run lasts at most a few seconds of wall time.

#include "sim2real/bridge.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "core/rotation.h"
#include "datasets/stream_log.h"
#include "sim2real/sim_rig.h"

namespace immimic::sim2real {
namespace {
namespace fs = std::filesystem;

// Moves the TCP `speed` m/s down from where it starts; after `nan_after` steps answers NaN.
class DescendPolicy : public agents::Policy {
 public:
  explicit DescendPolicy(double speed, int nan_after = -1) : speed_(speed), nan_after_(nan_after) {}
  void Reset(uint64_t) override { steps_ = 0; }
  Eigen::VectorXd Act(const envs::Observation& obs) override {
    if (steps_ == 0) {
      start_ = obs.proprio.head<3>();
      rotation_ = core::AxisAngleFromQuat(core::QuatFromWxyz(obs.proprio.data() + 3));
    }
    Eigen::VectorXd a(7);
    a.head<3>() = start_ - Eigen::Vector3d(0, 0, speed_ * steps_ / 30.0);
    a.segment<3>(3) = rotation_;
    a[6] = 0.0;
    if (nan_after_ >= 0 && steps_ >= nan_after_) a[2] = std::numeric_limits<double>::quiet_NaN();
    ++steps_;
    return a;
  }

 private:
  double speed_;
  int nan_after_;
  int steps_ = 0;
  Eigen::Vector3d start_, rotation_;
};

class NoStop : public StopInput {
 public:
  std::string Requested() override { return ""; }
};

HardwareConfig Hardware() { return LoadHardwareConfig("sim_robotiq"); }

envs::EnvConfig RigConfig() {
  envs::EnvConfig config;
  config.embodiment = "robotiq";
  config.task = "pick_place";
  config.images = false;  // the scripted policies read none; a tick stays well inside 33 ms
  return config;
}

std::string TempLog(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "immimic_bridge_test";
  fs::create_directories(dir);
  return (dir / (name + "_" + std::to_string(getpid()) + ".h5")).string();
}

struct Outcome {
  BridgeReport report;
  datasets::StreamLogContents log;
};

Outcome RunBridge(agents::Policy& policy, SimFaults faults, double duration,
                  const std::string& name, StopInput* stop = nullptr, bool dry_run = false) {
  const HardwareConfig hardware = Hardware();
  SimRig rig(RigConfig(), 0, faults);
  NoStop no_stop;
  Bridge bridge(hardware, rig, rig, stop ? *stop : no_stop, policy);
  BridgeOptions options;
  options.duration = duration;
  options.dry_run = dry_run;
  options.log_path = TempLog(name);
  Outcome out{bridge.Run(options), {}};
  out.log = datasets::ReadStreamLog(options.log_path);
  return out;
}

const Eigen::MatrixXd& Column(const datasets::StreamLogContents& log, const std::string& name) {
  for (size_t i = 0; i < log.column_names.size(); ++i) {
    if (log.column_names[i] == name) return log.columns[i];
  }
  throw std::runtime_error("no column " + name);
}

bool HasEvent(const datasets::StreamLogContents& log, const std::string& text) {
  for (const std::string& e : log.events) {
    if (e.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Bridge, RunsAtTheControlRateAndLogsEveryStep) {
  DescendPolicy policy(0.05);  // 5 cm/s: within every limit
  const Outcome o = RunBridge(policy, {}, 1.0, "clean");
  EXPECT_TRUE(o.report.clean_end) << o.report.stop_reason;
  EXPECT_EQ(o.report.stop_reason, "duration reached");
  EXPECT_NEAR(o.report.steps, 30, 3);
  EXPECT_EQ(o.report.sent, o.report.steps);
  EXPECT_EQ(o.report.clamped_steps, 0);
  EXPECT_NEAR(o.report.period_p50, 1.0 / 30, 0.01);
  EXPECT_EQ(Column(o.log, "command").rows(), o.report.steps);
  EXPECT_EQ(Column(o.log, "proprio").cols(), 8);
  // the arm followed: about 5 cm/s for 1 s, lagging a little
  const Eigen::MatrixXd& proprio = Column(o.log, "proprio");
  const double descent = proprio(0, 2) - proprio(proprio.rows() - 1, 2);
  EXPECT_GT(descent, 0.025);
  EXPECT_LT(descent, 0.06);
  EXPECT_TRUE(HasEvent(o.log, "stop: duration reached"));
  EXPECT_TRUE(HasEvent(o.log, "stopped: holding the measured pose"));
}

TEST(Bridge, ClampsAFastPolicyAndLogsWhy) {
  DescendPolicy policy(3.0);  // 3 m/s: beyond max_tcp_speed (1 m/s) and the workspace floor
  const Outcome o = RunBridge(policy, {}, 0.7, "fast");
  EXPECT_TRUE(o.report.clean_end) << o.report.stop_reason;
  EXPECT_GT(o.report.clamped_steps, 10);
  EXPECT_TRUE(HasEvent(o.log, "clamp: TCP speed"));
  EXPECT_TRUE(HasEvent(o.log, "clamp: workspace box"));
  const Eigen::MatrixXd& command = Column(o.log, "command");
  const double floor = Hardware().safety.workspace_low[2];
  for (int i = 0; i < command.rows(); ++i) EXPECT_GE(command(i, 2), floor);
  for (int i = 1; i < command.rows(); ++i) {
    EXPECT_LE((command.row(i).head<3>() - command.row(i - 1).head<3>()).norm(), 1.0 / 30 + 1e-9);
  }
}

TEST(Bridge, NonFiniteActionStopsSafely) {
  DescendPolicy policy(0.05, 10);
  const Outcome o = RunBridge(policy, {}, 2.0, "nan");
  EXPECT_FALSE(o.report.clean_end);
  EXPECT_EQ(o.report.stop_reason, "safety: non-finite policy action[2]");
  EXPECT_EQ(o.report.steps, 10);
  EXPECT_EQ(Column(o.log, "command").rows(), 10);
  EXPECT_TRUE(HasEvent(o.log, "stopped: holding the measured pose"));
}

TEST(Bridge, StalledCameraHoldsThenStops) {
  DescendPolicy policy(0.05);
  SimFaults faults;
  faults.camera_stall_after = 5;
  const Outcome o = RunBridge(policy, faults, 3.0, "stall");
  EXPECT_FALSE(o.report.clean_end);
  EXPECT_NE(o.report.stop_reason.find("watchdog: stale camera frame"), std::string::npos)
      << o.report.stop_reason;
  EXPECT_GT(o.report.held_steps, 5);  // 0.5 s of holding after the frame went stale (0.2 s)
  EXPECT_TRUE(HasEvent(o.log, "hold: stale camera frame"));
}

TEST(Bridge, DisconnectStopsWithTheDevicesReason) {
  DescendPolicy policy(0.05);
  SimFaults faults;
  faults.disconnect_after = 8;
  const Outcome o = RunBridge(policy, faults, 2.0, "disconnect");
  EXPECT_EQ(o.report.stop_reason, "device: sim rig: devices disconnected (injected)");
  EXPECT_EQ(o.report.steps, 8);                       // the 8th read answers, the 9th does not
  EXPECT_FALSE(HasEvent(o.log, "stopped: holding"));  // nothing to send to
}

TEST(Bridge, SlowRepliesMissDeadlinesAndStop) {
  DescendPolicy policy(0.05);
  SimFaults faults;
  faults.reply_delay = 0.05;  // longer than the 33 ms period
  const Outcome o = RunBridge(policy, faults, 3.0, "slow");
  EXPECT_NE(o.report.stop_reason.find("watchdog: missed 10 deadlines in a row"), std::string::npos)
      << o.report.stop_reason;
}

class FileStop : public StopInput {
 public:
  std::string Requested() override {
    if (++calls_ == 6) std::ofstream(path()) << "pressed";
    return stop_.Requested();
  }
  std::string path() const { return path_; }

 private:
  std::string path_ = TempLog("estop_button");
  FileAndSignalStop stop_{path_};
  int calls_ = 0;
};

TEST(Bridge, EstopFileStopsTheLoop) {
  DescendPolicy policy(0.05);
  FileStop stop;
  fs::remove(stop.path());
  const Outcome o = RunBridge(policy, {}, 2.0, "estop", &stop);
  EXPECT_NE(o.report.stop_reason.find("e-stop pressed"), std::string::npos);
  EXPECT_EQ(o.report.steps, 5);
  fs::remove(stop.path());
}

TEST(Bridge, DryRunSendsNothingAndTheArmStays) {
  DescendPolicy policy(0.1);
  const Outcome o = RunBridge(policy, {}, 0.5, "dry", nullptr, true);
  EXPECT_TRUE(o.report.clean_end);
  EXPECT_EQ(o.report.sent, 0);
  const Eigen::MatrixXd& proprio = Column(o.log, "proprio");
  EXPECT_NEAR(proprio(0, 2), proprio(proprio.rows() - 1, 2), 1e-3);
  EXPECT_LT(Column(o.log, "command")(proprio.rows() - 1, 2), proprio(0, 2) - 0.03);
}

}  // namespace
}  // namespace immimic::sim2real
