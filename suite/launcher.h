#pragma once
// Where stage processes run: on this machine (a pool of child processes) or, under mpirun, on
// the other MPI ranks (rank 0 schedules; each other rank runs one stage at a time, over a shared
// filesystem). The scheduler (runner.cc) sees only this interface.
#include <memory>
#include <string>
#include <vector>

namespace immimic::suite {

struct LaunchRequest {
  int stage = 0;
  std::vector<std::string> argv;  // argv[0] is the executable
  std::string stdout_path, stderr_path;
  std::string working_dir;  // "" = the launcher's own
};

struct LaunchResult {
  int stage = 0;
  int exit_code = 0;  // 128 + signal for a process killed by a signal
  int pid = 0;        // the stage process (0 when it ran on another rank)
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Processes that may run at once.
  virtual int capacity() const = 0;
  // Starts a stage; returns its process id where it is local (0 otherwise).
  virtual int Start(const LaunchRequest& request) = 0;
  // Blocks until a started stage ends.
  virtual LaunchResult WaitAny() = 0;
};

std::unique_ptr<Launcher> MakeLocalLauncher(int workers);

// Runs one request here and waits for it (what an MPI worker rank does with each request).
LaunchResult RunLocally(const LaunchRequest& request);

// MPI (suite/mpi_launcher.cc): whether this process is one of several MPI ranks; rank 0's
// launcher; the loop of the other ranks. Without an MPI build, MpiWorldSize is 1.
int MpiWorldSize();
int MpiRank();
std::unique_ptr<Launcher> MakeMpiLauncher();
void RunMpiWorker();
void FinalizeMpi();

}  // namespace immimic::suite
