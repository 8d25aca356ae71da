// The local Launcher: stage processes are children of this process.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>

#include "core/error.h"
#include "suite/launcher.h"

namespace immimic::suite {
namespace {

int Spawn(const LaunchRequest& request) {
  std::vector<char*> argv;
  for (const auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int pid = fork();
  IMMIMIC_THROW_UNLESS(pid >= 0, core::Error, "cannot start a stage process");
  if (pid == 0) {
    const int out = open(request.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(request.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) _exit(126);
    if (!request.working_dir.empty() && chdir(request.working_dir.c_str()) != 0) _exit(126);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

class LocalLauncher : public Launcher {
 public:
  explicit LocalLauncher(int workers) : workers_(workers) {}
  int capacity() const override { return workers_; }
  int Start(const LaunchRequest& request) override {
    const int pid = Spawn(request);
    stages_[pid] = request.stage;
    return pid;
  }
  LaunchResult WaitAny() override {
    IMMIMIC_THROW_UNLESS(!stages_.empty(), core::Error, "no stage is running");
    for (;;) {
      int status = 0;
      const int pid = waitpid(-1, &status, 0);
      const auto found = stages_.find(pid);
      if (pid < 0 || found == stages_.end()) continue;
      const LaunchResult result{found->second, ExitCode(status), pid};
      stages_.erase(found);
      return result;
    }
  }

 private:
  int workers_;
  std::map<int, int> stages_;  // pid -> stage
};

}  // namespace

std::unique_ptr<Launcher> MakeLocalLauncher(int workers) {
  return std::make_unique<LocalLauncher>(workers);
}

LaunchResult RunLocally(const LaunchRequest& request) {
  const int pid = Spawn(request);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return {request.stage, ExitCode(status), pid};
}

}  // namespace immimic::suite
