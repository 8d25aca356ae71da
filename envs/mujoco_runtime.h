#pragma once
// MuJoCo process setup and model loading. MuJoCo's default error handler waits for Enter and
// calls exit(1); InstallMujocoHandlers replaces it with one that throws core::SimulationError.

#include <mujoco/mujoco.h>

#include <memory>
#include <string>

namespace immimic::envs {

struct ModelDeleter {
  void operator()(mjModel* m) const { mj_deleteModel(m); }
};
struct DataDeleter {
  void operator()(mjData* d) const { mj_deleteData(d); }
};
using ModelPtr = std::unique_ptr<mjModel, ModelDeleter>;
using DataPtr = std::unique_ptr<mjData, DataDeleter>;

// Idempotent; called by every loader, so users never need to call it themselves.
void InstallMujocoHandlers();

// Compiles MJCF text held in memory (through a VFS: MuJoCo 2.2.2 has no load-from-string).
// `name` appears in error messages. Throws core::SimulationError with MuJoCo's message.
ModelPtr LoadModelFromXml(const std::string& xml, const std::string& name);

DataPtr MakeData(const mjModel* model);

// Name lookups that throw core::InputError naming the missing object.
int RequireId(const mjModel* m, mjtObj type, const std::string& name);

}  // namespace immimic::envs
