#pragma once
// Runs the immimic executable for the CLI tests and captures its exit code and output.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/atomic_file.h"

namespace immimic::testing {

struct CliRun {
  int exit_code;
  std::string out, err;
};

// ctest runs tests as parallel processes sharing the temp folder: every file is named per
// process, with `prefix` naming the test file.
inline std::string CliTempPath(const std::string& prefix, const std::string& name) {
  return ::testing::TempDir() + "/" + prefix + "_" + std::to_string(getpid()) + "_" + name;
}

// Runs a shell command line (it may start with environment assignments), capturing its output.
inline CliRun RunCommand(const std::string& command_line) {
  static std::atomic<int> calls{0};
  const std::string stem = CliTempPath("cli_call", std::to_string(calls++));
  const std::string command = command_line + " > " + stem + ".out 2> " + stem + ".err";
  const int status = std::system(command.c_str());
  return {WEXITSTATUS(status), core::ReadFile(stem + ".out"), core::ReadFile(stem + ".err")};
}

inline CliRun RunImmimic(const std::string& arguments) {
  return RunCommand(std::string(IMMIMIC_CLI) + " " + arguments);
}

// Bad input: exit code 2, one line on stderr containing `message`, nothing on stdout.
inline void ExpectOneLineExitCode2(const std::string& arguments, const std::string& message) {
  const CliRun run = RunImmimic(arguments);
  EXPECT_EQ(run.exit_code, 2) << arguments << "\n" << run.err;
  EXPECT_NE(run.err.find(message), std::string::npos) << arguments << "\n" << run.err;
  EXPECT_TRUE(!run.err.empty() && run.err.find('\n') == run.err.size() - 1)
      << "not one line: " << run.err;
  EXPECT_TRUE(run.out.empty()) << arguments << "\n" << run.out;
}

}  // namespace immimic::testing
