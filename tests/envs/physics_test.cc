// Physics checked against hand calculations on the real scene (robotiq on the Panda).

#include <gtest/gtest.h>

#include "envs/env.h"
#include "tests/envs/scripted_motion.h"

namespace immimic::envs {
namespace {

EnvConfig Config() {
  EnvConfig config;
  config.embodiment = "robotiq";
  config.images = false;
  return config;
}

// A cube released 30 cm above the table falls z(t) = z0 - g t^2 / 2 until it lands.
TEST(Physics, FreeFallMatchesBallistics) {
  Env env(Config());
  env.Reset(0);
  mjData* d = env.mutable_data();
  const mjModel* m = env.model();
  const int joint = mj_name2id(m, mjOBJ_JOINT, "cube_joint");
  const int qadr = m->jnt_qposadr[joint];
  // over the far corner of the table, away from the hand
  const double z0 = 0.75 + 0.02 + 0.30;
  d->qpos[qadr + 0] = 0.85;
  d->qpos[qadr + 1] = 0.35;
  d->qpos[qadr + 2] = z0;
  for (int i = 0; i < 6; ++i) d->qvel[m->jnt_dofadr[joint] + i] = 0;
  const double t = 0.2;  // lands after sqrt(2 * 0.3 / 9.81) = 0.247 s
  const int steps = static_cast<int>(std::lround(t / m->opt.timestep));
  for (int i = 0; i < steps; ++i) mj_step(m, d);
  const double g = -m->opt.gravity[2];
  // semi-implicit Euler is O(dt) off: z error ~ g t dt / 2 ~ 2 mm
  EXPECT_NEAR(d->qpos[qadr + 2], z0 - 0.5 * g * t * t, 0.5 * g * t * m->opt.timestep + 1e-4);
  EXPECT_NEAR(d->qvel[m->jnt_dofadr[joint] + 2], -g * t, 1e-9);
}

// At rest on the table the contact normal forces carry the cube's weight, m g = 0.981 N.
TEST(Physics, RestingCubeContactForcesCarryItsWeight) {
  Env env(Config());
  env.Reset(0);
  const mjModel* m = env.model();
  mjData* d = env.mutable_data();
  for (int i = 0; i < 500; ++i) mj_step(m, d);
  mj_forward(m, d);
  const int cube_geom = mj_name2id(m, mjOBJ_GEOM, "cube_geom");
  double normal_sum = 0.0;
  for (int i = 0; i < d->ncon; ++i) {
    if (d->contact[i].geom1 != cube_geom && d->contact[i].geom2 != cube_geom) continue;
    double force[6];
    mj_contactForce(m, d, i, force);
    normal_sum += force[0];
  }
  const double weight = 0.1 * -m->opt.gravity[2];
  EXPECT_NEAR(normal_sum, weight, 0.01 * weight);
}

// Gravity compensation: with the servo target at the current posture, the arm does not sag.
TEST(Physics, GravityCompensatedArmHoldsItsPose) {
  Env env(Config());
  const Observation& obs = env.Reset(0);
  const Eigen::Vector3d start = testing::TcpPosition(obs);
  const Eigen::VectorXd hold = env.HoldAction(env.embodiment().OpenHand());
  for (int i = 0; i < 90; ++i) env.Step(hold);  // 3 s
  EXPECT_LT((testing::TcpPosition(env.Step(hold).obs) - start).norm(), 5e-4);
}

// The cube's mass and inertia follow from its size and mass: I = m (a^2 + a^2) / 12.
TEST(Physics, CubeInertiaMatchesFormula) {
  Env env(Config());
  const mjModel* m = env.model();
  const int body = mj_name2id(m, mjOBJ_BODY, "cube");
  EXPECT_NEAR(m->body_mass[body], 0.1, 1e-12);
  const double side = 0.04;
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(m->body_inertia[3 * body + k], 0.1 * 2 * side * side / 12, 1e-9);
  }
}

}  // namespace
}  // namespace immimic::envs
