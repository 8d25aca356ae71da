// The arm reaches random TCP poses across the workspace within 5 mm and 3 degrees, through the
// full stack: IK targets, joint impedance, gravity compensation, physics.

#include <gtest/gtest.h>

#include "core/rng.h"
#include "core/rotation.h"
#include "envs/env.h"

namespace immimic::envs {
namespace {

TEST(ArmReach, TwentyRandomPosesWithinFiveMillimetresAndThreeDegrees) {
  EnvConfig config;
  config.embodiment = "fin_ray";
  config.images = false;
  Env env(config);
  env.Reset(7);
  core::Rng rng(123);
  const Eigen::Matrix3d down = core::MatrixFromAxisAngle(Eigen::Vector3d(M_PI, 0, 0));
  for (int trial = 0; trial < 20; ++trial) {
    const Eigen::Vector3d target(rng.Uniform(0.35, 0.65), rng.Uniform(-0.25, 0.25),
                                 rng.Uniform(0.85, 1.05));  // the tasks' workspace
    // tilt up to 30 degrees away from pointing down, any yaw
    const Eigen::Vector3d tilt(rng.Uniform(-0.5, 0.5), rng.Uniform(-0.5, 0.5), 0);
    const Eigen::Matrix3d rot =
        core::MatrixFromAxisAngle(Eigen::Vector3d(0, 0, rng.Uniform(-1.5, 1.5))) *
        core::MatrixFromAxisAngle(tilt) * down;
    Eigen::VectorXd action = env.HoldAction(env.embodiment().OpenHand());
    action.head<3>() = target;
    action.segment<3>(3) = core::AxisAngleFromMatrix(rot);
    for (int step = 0; step < 60; ++step) env.Step(action);  // 2 s
    const auto& proprio = env.Step(action).obs.proprio;
    const Eigen::Vector3d reached = proprio.head<3>();
    const Eigen::Matrix3d reached_rot = core::QuatFromWxyz(proprio.data() + 3).toRotationMatrix();
    EXPECT_LT((reached - target).norm(), 0.005)
        << "trial " << trial << " target " << target.transpose();
    EXPECT_LT(core::AngleBetween(reached_rot, rot) * 180 / M_PI, 3.0) << "trial " << trial;
  }
}

}  // namespace
}  // namespace immimic::envs
