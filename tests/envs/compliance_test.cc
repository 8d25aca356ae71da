// Passive compliance of the two grippers, each alone with its base fixed: the Robotiq's
// underactuated finger wraps around an object that meets it low, off-centre; the Fin Ray's
// soft fingers bend around an object pressed between them. Each is compared with the same
// close in free air.

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/paths.h"
#include "envs/mjcf_composer.h"
#include "envs/mujoco_runtime.h"

namespace immimic::envs {
namespace {

// The gripper's own file plus an optional fixed obstacle, closed for `seconds`.
DataPtr CloseAround(const std::string& asset, const std::string& obstacle, double close_ctrl,
                    double seconds, ModelPtr* model_out) {
  MjcfComposer composer(core::ReadFile(core::AssetPath(asset)), asset);
  if (!obstacle.empty()) composer.AddToBody("", obstacle);
  ModelPtr model = LoadModelFromXml(composer.Xml(), "compliance");
  model->opt.integrator = mjINT_EULER;
  model->opt.timestep = 1.0 / 480;
  model->opt.cone = mjCONE_ELLIPTIC;
  model->opt.impratio = 10;
  DataPtr data = MakeData(model.get());
  data->ctrl[RequireId(model.get(), mjOBJ_ACTUATOR, "fingers")] = close_ctrl;
  const int steps = static_cast<int>(seconds / model->opt.timestep);
  for (int i = 0; i < steps; ++i) mj_step(model.get(), data.get());
  *model_out = std::move(model);
  return data;
}

double Qpos(const mjModel* m, const mjData* d, const char* joint) {
  return d->qpos[m->jnt_qposadr[RequireId(m, mjOBJ_JOINT, joint)]];
}

TEST(Compliance, RobotiqFingerWrapsAroundAnObjectMetLowAndOffCentre) {
  // a fixed rod across the right finger's path, below its pad
  const std::string rod =
      "<geom name='rod' type='capsule' fromto='-0.03 0.022 0.105 0.03 0.022 0.105' size='0.015'/>";
  ModelPtr free_model, blocked_model;
  DataPtr free_close = CloseAround("end_effectors/robotiq.xml", "", 0.8, 1.5, &free_model);
  DataPtr blocked = CloseAround("end_effectors/robotiq.xml", rod, 0.8, 1.5, &blocked_model);
  // in free air the pads translate: the coupler stays on its stop
  EXPECT_LT(std::abs(Qpos(free_model.get(), free_close.get(), "right_coupler")), 0.05);
  // against the rod the passive joints give: the finger curls around it
  EXPECT_GT(std::abs(Qpos(blocked_model.get(), blocked.get(), "right_coupler")), 0.2);
  const double curl = Qpos(blocked_model.get(), blocked.get(), "right_follower") -
                      Qpos(free_model.get(), free_close.get(), "right_follower");
  EXPECT_GT(std::abs(curl), 0.2);
  EXPECT_GT(blocked->ncon, 0);
}

TEST(Compliance, FinRayFingersBendAroundAnObject) {
  const std::string cylinder =
      "<geom name='cylinder' type='cylinder' fromto='-0.03 0 0.092 0.03 0 0.092' size='0.02'/>";
  const char* front_joints[] = {"r_front2", "r_front3", "r_front4", "r_front5",
                                "l_front2", "l_front3", "l_front4", "l_front5"};
  auto max_bend = [&](const mjModel* m, const mjData* d) {
    double bend = 0;
    for (const char* joint : front_joints) bend = std::max(bend, std::abs(Qpos(m, d, joint)));
    return bend;
  };
  ModelPtr free_model, blocked_model;
  // close to 2 cm spacing in free air: fingers stay straight
  DataPtr free_close = CloseAround("end_effectors/fin_ray.xml", "", 0.04, 1.5, &free_model);
  DataPtr blocked = CloseAround("end_effectors/fin_ray.xml", cylinder, 0.05, 1.5, &blocked_model);
  EXPECT_LT(max_bend(free_model.get(), free_close.get()), 0.05);
  EXPECT_GT(max_bend(blocked_model.get(), blocked.get()), 0.3);
  // the fingers stopped on the cylinder instead of closing
  EXPECT_LT(Qpos(blocked_model.get(), blocked.get(), "right_slide"), 0.045);
}

}  // namespace
}  // namespace immimic::envs
