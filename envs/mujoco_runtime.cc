#include "envs/mujoco_runtime.h"

#include <cstring>
#include <mutex>

#include "core/error.h"

namespace immimic::envs {
namespace {

void ThrowingErrorHandler(const char* message) {
  throw core::SimulationError(std::string("MuJoCo error: ") + message);
}

// Warnings are counted in mjData::warning; the env inspects those counters instead.
void QuietWarningHandler(const char*) {}

}  // namespace

void InstallMujocoHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    mju_user_error = ThrowingErrorHandler;
    mju_user_warning = QuietWarningHandler;
  });
}

ModelPtr LoadModelFromXml(const std::string& xml, const std::string& name) {
  InstallMujocoHandlers();
  // mjVFS is about 2 MB: keep it off the stack
  auto vfs = std::make_unique<mjVFS>();
  mj_defaultVFS(vfs.get());
  const std::string file = name + ".xml";
  IMMIMIC_THROW_UNLESS(
      mj_makeEmptyFileVFS(vfs.get(), file.c_str(), static_cast<int>(xml.size())) == 0,
      core::SimulationError, "cannot allocate VFS file for ", name);
  const int index = mj_findFileVFS(vfs.get(), file.c_str());
  std::memcpy(vfs->filedata[index], xml.data(), xml.size());
  char error[1000] = "";
  mjModel* model = mj_loadXML(file.c_str(), vfs.get(), error, sizeof(error));
  mj_deleteVFS(vfs.get());
  IMMIMIC_THROW_UNLESS(model != nullptr, core::SimulationError, "cannot compile model '", name,
                       "': ", error);
  return ModelPtr(model);
}

DataPtr MakeData(const mjModel* model) {
  mjData* data = mj_makeData(model);
  IMMIMIC_THROW_UNLESS(data != nullptr, core::SimulationError, "cannot allocate mjData");
  return DataPtr(data);
}

int RequireId(const mjModel* m, mjtObj type, const std::string& name) {
  const int id = mj_name2id(m, type, name.c_str());
  IMMIMIC_THROW_UNLESS(id >= 0, core::InputError, "model has no ", mju_type2Str(type), " named '",
                       name, "'");
  return id;
}

}  // namespace immimic::envs
