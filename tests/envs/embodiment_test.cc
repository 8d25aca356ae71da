// Every registered embodiment, through the same checks: the scene compiles and holds still,
// every hand dimension reaches both ends of its range, coupled joints follow their coupling,
// and the embodiment grasps a 4 cm, 100 g cube, lifts it 10 cm and holds it for 2 s.

#include <gtest/gtest.h>

#include "core/atomic_file.h"
#include "core/paths.h"
#include "envs/embodiment_spec.h"
#include "envs/env.h"
#include "tests/envs/scripted_motion.h"

namespace immimic::envs {
namespace {

class EveryEmbodiment : public ::testing::TestWithParam<std::string> {
 protected:
  EnvConfig Config() const {
    EnvConfig config;
    config.embodiment = GetParam();
    config.images = false;
    return config;
  }
};

TEST_P(EveryEmbodiment, ResetsAndHoldsStill) {
  Env env(Config());
  const Observation& obs = env.Reset(1);
  EXPECT_LT((testing::TcpPosition(obs) - env.config().home_position).norm(), 0.005);
  const Eigen::VectorXd hold = env.HoldAction(env.embodiment().OpenHand());
  for (int i = 0; i < 30; ++i) {
    const StepResult& r = env.Step(hold);
    ASSERT_FALSE(r.truncated) << r.info.truncation_reason;
  }
  EXPECT_LT((testing::TcpPosition(env.Step(hold).obs) - env.config().home_position).norm(), 0.005);
}

// The end-effector alone, base fixed, gravity on: each hand dimension is driven to low and high
// in turn (the others open) and its readout must get there.
TEST_P(EveryEmbodiment, EveryHandDimensionReachesBothEndsOfItsRange) {
  const EmbodimentSpec spec = LoadEmbodimentSpec(GetParam());
  ModelPtr model = LoadModelFromXml(core::ReadFile(core::AssetPath(spec.asset)), spec.name);
  model->opt.integrator = mjINT_EULER;
  model->opt.timestep = 1.0 / 480;
  DataPtr data = MakeData(model.get());
  auto command = [&](const Eigen::VectorXd& hand) {
    for (int i = 0; i < spec.hand_dim(); ++i) {
      for (const ActuatorMap& map : spec.hand[i].actuators) {
        data->ctrl[RequireId(model.get(), mjOBJ_ACTUATOR, map.actuator)] =
            map.offset + map.scale * hand[i];
      }
    }
    for (int k = 0; k < 480; ++k) mj_step(model.get(), data.get());  // 1 s
  };
  auto readout = [&](int i) {
    const JointReadout& r = spec.hand[i].readout;
    const int joint = RequireId(model.get(), mjOBJ_JOINT, r.joint);
    return r.offset + r.scale * data->qpos[model->jnt_qposadr[joint]];
  };
  for (int i = 0; i < spec.hand_dim(); ++i) {
    const HandDimension& dim = spec.hand[i];
    const double tolerance = 0.03 * (dim.high - dim.low);
    for (double target : {dim.low, dim.high}) {
      Eigen::VectorXd hand = spec.OpenHand();
      hand[i] = target;
      command(hand);
      EXPECT_NEAR(readout(i), target, tolerance) << dim.name;
    }
  }
}

// Joint couplings (mirrored sides, four-bar PIP, DIP from PIP) and closed loops hold while the
// hand opens and closes in the full scene.
TEST_P(EveryEmbodiment, CouplingsAndClosedLoopsHold) {
  Env env(Config());
  env.Reset(2);
  const mjModel* m = env.model();
  const Eigen::VectorXd open = env.embodiment().OpenHand();
  const Eigen::VectorXd closed = env.embodiment().ClosedHand();
  for (const Eigen::VectorXd& hand : {closed, Eigen::VectorXd(0.5 * (open + closed)), open}) {
    for (int i = 0; i < 30; ++i) env.Step(env.HoldAction(hand));
    mj_forward(m, env.mutable_data());
    const mjData* d = env.data();
    for (int e = 0; e < m->neq; ++e) {
      if (m->eq_type[e] == mjEQ_JOINT) {
        const int j1 = m->eq_obj1id[e], j2 = m->eq_obj2id[e];
        const double q1 = d->qpos[m->jnt_qposadr[j1]] - m->qpos0[m->jnt_qposadr[j1]];
        const double q2 = d->qpos[m->jnt_qposadr[j2]] - m->qpos0[m->jnt_qposadr[j2]];
        const double* c = m->eq_data + mjNEQDATA * e;
        const double expected = c[0] + q2 * (c[1] + q2 * (c[2] + q2 * (c[3] + q2 * c[4])));
        EXPECT_NEAR(q1, expected, 0.02) << mj_id2name(m, mjOBJ_EQUALITY, e);
      }
    }
    for (int r = 0; r < d->nefc; ++r) {
      if (d->efc_type[r] == mjCNSTR_EQUALITY && m->eq_type[d->efc_id[r]] == mjEQ_CONNECT) {
        EXPECT_LT(std::abs(d->efc_pos[r]), 0.002) << mj_id2name(m, mjOBJ_EQUALITY, d->efc_id[r]);
      }
    }
  }
}

TEST_P(EveryEmbodiment, GraspsCubeLiftsTenCentimetresAndHoldsTwoSeconds) {
  Env env(Config());
  const Observation& start = env.Reset(3);
  const Eigen::Vector3d cube = testing::ObjectPosition(start);
  // approach from above with the closing axis across the cube's faces
  double yaw = testing::ObjectYaw(start);
  yaw = std::remainder(yaw, M_PI / 2);
  const Eigen::Matrix3d down = Eigen::AngleAxisd(yaw, Eigen::Vector3d::UnitZ()).toRotationMatrix() *
                               core::MatrixFromAxisAngle(env.config().home_axis_angle);
  const Eigen::VectorXd open = env.embodiment().OpenHand();
  const Eigen::VectorXd closed = env.embodiment().ClosedHand();
  const Eigen::Vector3d above = cube + Eigen::Vector3d(0, 0, 0.12);
  testing::MoveTcp(env, above, down, open, 1.0);
  testing::MoveTcp(env, cube, down, open, 1.0);
  testing::MoveTcp(env, cube, down, closed, 0.7);
  testing::MoveTcp(env, cube + Eigen::Vector3d(0, 0, 0.10), down, closed, 1.0);
  const Eigen::Vector3d lifted_cube = testing::ObjectPosition(env.Step(env.HoldAction(closed)).obs);
  EXPECT_GT(lifted_cube.z() - cube.z(), 0.09);
  // hold 2 s: the cube stays in the hand
  const Eigen::VectorXd hold = env.HoldAction(closed);
  double worst_drift = 0.0;
  for (int i = 0; i < 60; ++i) {
    const StepResult& r = env.Step(hold);
    ASSERT_FALSE(r.truncated) << r.info.truncation_reason;
    worst_drift = std::max(worst_drift, (testing::ObjectPosition(r.obs) - lifted_cube).norm());
  }
  EXPECT_LT(worst_drift, 0.01);
  EXPECT_GT(testing::ObjectPosition(env.Step(hold).obs).z() - cube.z(), 0.09);
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryEmbodiment, ::testing::ValuesIn(EmbodimentNames()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace immimic::envs
