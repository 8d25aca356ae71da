#pragma once
// A task owns its objects (MJCF parts), their initial-state randomisation and its success
// predicate. Adding a task: one class, one MJCF under assets/objects/, one YAML, its expert's
// planner, and one entry in envs/task_registry.cc.

#include <mujoco/mujoco.h>

#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"

namespace immimic::envs {

class Task {
 public:
  virtual ~Task() = default;
  // Versioned id, e.g. "pick_place-v1"; bumped whenever behaviour changes.
  virtual std::string id() const = 0;
  // MJCF files under assets/ whose root bodies are added to the scene (names unprefixed).
  virtual std::vector<std::string> ObjectAssets() const = 0;
  // Bodies whose poses form the privileged object state (position 3 + quaternion 4 each).
  virtual std::vector<std::string> ObjectBodies() const = 0;
  // Places the objects for a new episode. Called after mj_resetData, before mj_forward.
  virtual void RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const = 0;
  // Called every control step with the model the task was bound to.
  virtual bool IsSuccess(const mjModel* m, const mjData* d) const = 0;
  virtual double Reward(const mjModel* m, const mjData* d) const {
    return IsSuccess(m, d) ? 1.0 : 0.0;
  }

  // Resolves the ids of the elements IsSuccess and Reward read, once per compiled scene
  // (SceneModel::Build calls it), so that the per-step checks look nothing up by name. Throws
  // core::ConfigError naming a missing element.
  void Bind(const mjModel* m) {
    BindIds(m);
    bound_ = m;
  }

 protected:
  virtual void BindIds(const mjModel* m) = 0;
  // Throws core::InputError unless `m` is the model the task was bound to.
  void RequireBound(const mjModel* m) const;

 private:
  const mjModel* bound_ = nullptr;
};

// The scene used when no task is named: a 4 cm, 100 g cube on the table, placed within
// +-5 cm of (0.5, 0) with a random yaw; "success" is the cube lifted 10 cm off the table.
class TabletopCube : public Task {
 public:
  std::string id() const override { return "tabletop_cube-v1"; }
  std::vector<std::string> ObjectAssets() const override { return {"objects/cube.xml"}; }
  std::vector<std::string> ObjectBodies() const override { return {"cube"}; }
  void RandomizeObjects(const mjModel* m, mjData* d, core::Rng& rng) const override;
  bool IsSuccess(const mjModel* m, const mjData* d) const override;

  static constexpr double kHalfSize = 0.02;

 protected:
  void BindIds(const mjModel* m) override;

 private:
  int cube_ = -1;
};

// Writes the quaternion (w, x, y, z) of a rotation by `yaw` about world z.
void YawQuaternion(double yaw, double* wxyz);

// Sets a free joint's position and yaw (about world z).
void PlaceFreeBody(const mjModel* m, mjData* d, const std::string& joint, double x, double y,
                   double z, double yaw);

// Registered benchmark tasks: the four paper tasks.
const std::vector<std::string>& TaskNames();
// "" gives the TabletopCube scene; an unknown name is a core::InputError listing known ones.
std::unique_ptr<Task> MakeTask(const std::string& name);

}  // namespace immimic::envs
