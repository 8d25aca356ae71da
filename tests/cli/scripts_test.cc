// The result scripts on hand-built inputs: scripts/trace_summary grades episodes from a trace,
// and scripts/method_table summarises finished runs without training or evaluating them again.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/cli/cli_runner.h"

namespace {

namespace fs = std::filesystem;
using immimic::testing::CliRun;
using immimic::testing::RunCommand;

std::string TempPath(const std::string& name) {
  return immimic::testing::CliTempPath("scripts", name);
}

std::string Script(const std::string& name) {
  const char* root = std::getenv("IMMIMIC_ROOT");
  return std::string(root ? root : ".") + "/scripts/" + name;
}

// One trace row: TCP, the 7 Robotiq action dims (gripper last) and the cube's position.
void TraceRow(std::ofstream& csv, int episode, int step, double tcp_z, double tcp_offset_x,
              double gripper, double cube_z) {
  const double cube_x = 0.5, cube_y = -0.1;
  csv << episode << ',' << step << ',' << cube_x + tcp_offset_x << ',' << cube_y << ',' << tcp_z
      << ",0.5,-0.1,0.9,3.14,0,0," << gripper << ',' << cube_x << ',' << cube_y << ',' << cube_z
      << '\n';
}

TEST(TraceSummary, GradesEachEpisodeFromTheTrace) {
  const std::string trace = TempPath("trace.csv"), report = TempPath("eval.json");
  std::ofstream csv(trace);
  csv << "episode,step,tcp_x,tcp_y,tcp_z,action_0,action_1,action_2,action_3,action_4,action_5,"
         "action_6,object_x,object_y,object_z\n";
  // 0: closes 5 mm from the cube, lifts it, puts it down (graded a success by the report).
  TraceRow(csv, 0, 0, 0.95, 0.0, 0, 0.77);
  TraceRow(csv, 0, 1, 0.775, 0.0, 255, 0.77);
  TraceRow(csv, 0, 2, 0.9, 0.0, 255, 0.895);
  TraceRow(csv, 0, 3, 0.775, 0.0, 0, 0.77);
  // 1: closes 3 cm beside the cube and never lifts it.
  TraceRow(csv, 1, 0, 0.95, 0.03, 0, 0.77);
  TraceRow(csv, 1, 1, 0.77, 0.03, 255, 0.77);
  // 2: closes 1 cm from it, lifts it and is still holding it high at the end.
  TraceRow(csv, 2, 0, 0.95, 0.01, 0, 0.77);
  TraceRow(csv, 2, 1, 0.77, 0.01, 255, 0.77);
  TraceRow(csv, 2, 2, 0.9, 0.01, 255, 0.9);
  csv.close();
  std::ofstream(report) << R"({"per_episode": [{"success": true}, {"success": false},)"
                        << R"( {"success": false}]})";

  const CliRun summary = RunCommand(Script("trace_summary") + " " + trace + " " + report);
  ASSERT_EQ(summary.exit_code, 0) << summary.err;
  const std::string& out = summary.out;
  EXPECT_NE(out.find("episodes 3: first close within 2 cm 2/3, lifted 2/3"), std::string::npos)
      << out;
  EXPECT_NE(out.find("success: 1"), std::string::npos) << out;
  EXPECT_NE(out.find("never lifted: 1"), std::string::npos) << out;
  EXPECT_NE(out.find("holds it high at the end: 1"), std::string::npos) << out;

  const CliRun missing =
      RunCommand(Script("trace_summary") + " " + trace + " " + TempPath("missing.json"));
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("cannot read the inputs"), std::string::npos) << missing.err;
}

// A finished run and its evaluation report, as `immimic train` and `immimic eval` leave them.
void FinishedRun(const fs::path& out, const std::string& method, int seed, int successes,
                 double sparc, double robot_loss) {
  const std::string name = method + "_s" + std::to_string(seed);
  const fs::path run = out / "runs" / name;
  fs::create_directories(run);
  fs::create_directories(out / "eval");
  std::ofstream(run / "run.json") << "{\"seed\": " << seed << "}";
  std::ofstream(run / "loss.csv")
      << "epoch,steps,loss,robot_loss,human_loss,mixed_loss,mean_alpha,seconds\n"
      << "1,10,0.5,0.5,0,0,0,1.0\n2,20," << robot_loss << ',' << robot_loss << ",0,0,0,2.0\n";
  std::ofstream(out / "eval" / (name + ".json"))
      << "{\"run\": \"" << run.string() << "\", \"method\": \"" << method
      << "\", \"successes\": " << successes << ", \"episodes\": 2, \"sparc\": {\"mean\": " << sparc
      << "}}";
}

TEST(MethodTable, SummarisesFinishedRunsWithoutRunningThemAgain) {
  const fs::path out = TempPath("table");
  fs::remove_all(out);
  FinishedRun(out, "immimic_a", 0, 2, -3.0, 0.02);
  FinishedRun(out, "immimic_a", 1, 1, -5.0, 0.025);
  FinishedRun(out, "robot_only", 0, 1, -4.0, 0.03);
  FinishedRun(out, "robot_only", 1, 0, -6.0, 0.04);
  // trace_summary's first line for the robot_only evaluations only, as with TRACE=1
  std::ofstream(out / "eval" / "robot_only_s0.trace.txt")
      << "episodes 2: first close within 2 cm 2/2, lifted 1/2\n";
  std::ofstream(out / "eval" / "robot_only_s1.trace.txt")
      << "episodes 2: first close within 2 cm 1/2, lifted 0/2\n";
  // IMMIMIC=false: any attempt to train or evaluate fails the script.
  const std::string command = "IMMIMIC=false METHODS='robot_only immimic_a' SEEDS='0 1' " +
                              Script("method_table") + " " + out.string() + " r.hdf5 h.hdf5 " +
                              "a.json v.json";
  const CliRun run = RunCommand(command);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string& table = run.out;
  // Wilson intervals of 1/4 and 3/4; SPARC means; the final robot-batch loss range; grasps and
  // lifts summed over the traced evaluations.
  const size_t robot_only = table.find(
      "| robot_only | 1/2 (s0), 0/2 (s1) | 0.25 | 0.05-0.70 | "
      "-5.00 | 0.0300-0.0400 | 3/4, 1/4 |");
  const size_t immimic_a = table.find(
      "| immimic_a | 2/2 (s0), 1/2 (s1) | 0.75 | 0.30-0.95 | "
      "-4.00 | 0.0200-0.0250 | - |");
  EXPECT_NE(robot_only, std::string::npos) << table;
  EXPECT_NE(immimic_a, std::string::npos) << table;
  EXPECT_LT(robot_only, immimic_a) << "rows in the paper's order";

  // A missing run is trained: here that is the failing IMMIMIC.
  const CliRun missing =
      RunCommand("IMMIMIC=false METHODS=co_train SEEDS=0 " + Script("method_table") + " " +
                 out.string() + " r.hdf5 h.hdf5 a.json v.json");
  EXPECT_NE(missing.exit_code, 0) << missing.out;
}

}  // namespace
