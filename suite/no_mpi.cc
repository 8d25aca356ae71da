// Built without MPI: one process, and a clear error if started as several MPI ranks.
#include <cstdlib>

#include "core/error.h"
#include "suite/launcher.h"

namespace immimic::suite {

int MpiWorldSize() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  IMMIMIC_THROW_UNLESS(size == nullptr || std::atoi(size) <= 1, core::InputError,
                       "started under mpirun, but this build has no MPI (install "
                       "libopenmpi-dev and rebuild)");
  return 1;
}
int MpiRank() { return 0; }
std::unique_ptr<Launcher> MakeMpiLauncher() { throw core::Error("this build has no MPI"); }
void RunMpiWorker() {}
void FinalizeMpi() {}

}  // namespace immimic::suite
