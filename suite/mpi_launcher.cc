// The MPI Launcher: rank 0 sends each stage's command line to a free rank, which runs it as a
// local process and answers with its exit code. Messages are JSON text.
#include <cstdlib>
#include <map>
#include <vector>

#include <mpi.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "suite/launcher.h"

namespace immimic::suite {
namespace {

constexpr int kRequestTag = 1, kResultTag = 2, kStopTag = 3;

// Started by mpirun (Open MPI) or srun (PMI): otherwise this is one process and MPI stays off.
bool UnderMpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

void EnsureInitialised() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) MPI_Init(nullptr, nullptr);
}

void SendText(const std::string& text, int to, int tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string ReceiveText(int from, int* tag, int* source) {
  MPI_Status status;
  MPI_Probe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  if (tag) *tag = status.MPI_TAG;
  if (source) *source = status.MPI_SOURCE;
  return text;
}

class MpiLauncher : public Launcher {
 public:
  MpiLauncher() {
    for (int rank = MpiWorldSize() - 1; rank >= 1; --rank) free_.push_back(rank);
  }
  ~MpiLauncher() override {
    for (int rank = 1; rank < MpiWorldSize(); ++rank) SendText("", rank, kStopTag);
  }
  int capacity() const override { return MpiWorldSize() - 1; }
  int Start(const LaunchRequest& request) override {
    IMMIMIC_THROW_UNLESS(!free_.empty(), core::Error, "no free MPI rank");
    const int rank = free_.back();
    free_.pop_back();
    const nlohmann::json message = {{"stage", request.stage},
                                    {"argv", request.argv},
                                    {"stdout", request.stdout_path},
                                    {"stderr", request.stderr_path},
                                    {"cwd", request.working_dir}};
    SendText(message.dump(), rank, kRequestTag);
    return 0;
  }
  LaunchResult WaitAny() override {
    int source = 0;
    const auto reply = nlohmann::json::parse(ReceiveText(MPI_ANY_SOURCE, nullptr, &source));
    free_.push_back(source);
    return {reply.at("stage").get<int>(), reply.at("exit_code").get<int>(), 0};
  }

 private:
  std::vector<int> free_;
};

}  // namespace

int MpiWorldSize() {
  if (!UnderMpi()) return 1;
  EnsureInitialised();
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

int MpiRank() {
  if (!UnderMpi()) return 0;
  EnsureInitialised();
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

std::unique_ptr<Launcher> MakeMpiLauncher() { return std::make_unique<MpiLauncher>(); }

void RunMpiWorker() {
  for (;;) {
    int tag = 0;
    const std::string text = ReceiveText(0, &tag, nullptr);
    if (tag == kStopTag) return;
    const auto message = nlohmann::json::parse(text);
    LaunchRequest request;
    request.stage = message.at("stage").get<int>();
    request.argv = message.at("argv").get<std::vector<std::string>>();
    request.stdout_path = message.at("stdout").get<std::string>();
    request.stderr_path = message.at("stderr").get<std::string>();
    request.working_dir = message.at("cwd").get<std::string>();
    const LaunchResult result = RunLocally(request);
    SendText(nlohmann::json{{"stage", result.stage}, {"exit_code", result.exit_code}}.dump(), 0,
             kResultTag);
  }
}

void FinalizeMpi() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  if (initialised && !finalised) MPI_Finalize();
}

}  // namespace immimic::suite
