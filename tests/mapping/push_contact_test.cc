// The push contact transform, against the experts' pusher poses computed by hand: a human TCP
// posed as the human push expert poses it, times the transform, is the robot's expert pose on
// the same push line.
#include "mapping/push_contact.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "core/error.h"
#include "core/rotation.h"
#include "envs/env_config.h"

namespace immimic::mapping {
namespace {

// The pusher's TCP on push line yaw `a` (direction n), pushing a cube centred at `cube`.
Eigen::Isometry3d ExpertPose(const envs::PusherGeometry& g, double push_yaw,
                             const Eigen::Vector3d& cube, const Eigen::Matrix3d& home) {
  const Eigen::Vector3d n(std::cos(push_yaw), std::sin(push_yaw), 0.0);
  Eigen::Isometry3d pose = Eigen::Isometry3d::Identity();
  pose.linear() =
      Eigen::AngleAxisd(push_yaw - M_PI / 2 + g.yaw_offset, Eigen::Vector3d::UnitZ()) * home;
  pose.translation() =
      Eigen::Vector3d(cube.x(), cube.y(), 0.75) - g.lead * n + Eigen::Vector3d(0, 0, g.height);
  return pose;
}

TEST(PushContact, CarriesTheHumanPusherPoseOntoTheRobots) {
  const Eigen::Matrix3d home = core::MatrixFromAxisAngle(envs::EnvConfig().home_axis_angle);
  const envs::PusherGeometry human{M_PI, 0.02, 0.055};
  for (const envs::PusherGeometry& robot :
       {envs::PusherGeometry{M_PI / 2, 0.028, 0.036}, envs::PusherGeometry{M_PI, 0.018, 0.08},
        envs::PusherGeometry{0.3, 0.05, -0.01}}) {
    const Eigen::Isometry3d m = PushContactTransform(human, robot, home);
    for (double yaw : {-2.0, -0.4, 0.0, 1.0, 2.9}) {
      const Eigen::Vector3d cube(0.5, -0.1, 0.77);
      const Eigen::Isometry3d carried = ExpertPose(human, yaw, cube, home) * m;
      const Eigen::Isometry3d expected = ExpertPose(robot, yaw, cube, home);
      EXPECT_LT((carried.translation() - expected.translation()).norm(), 1e-12) << yaw;
      EXPECT_LT((carried.linear() - expected.linear()).norm(), 1e-12) << yaw;
    }
  }
}

TEST(PushContact, SameGeometryIsTheIdentity) {
  const Eigen::Matrix3d home = core::MatrixFromAxisAngle(envs::EnvConfig().home_axis_angle);
  const envs::PusherGeometry g{M_PI, 0.02, 0.055};
  EXPECT_TRUE(PushContactTransform(g, g, home).isApprox(Eigen::Isometry3d::Identity(), 1e-12));
}

TEST(PushContact, OnlyPushWithTheExpertSettingMovesTheTcp) {
  RetargetConfig config = LoadRetargetConfig("robotiq");
  config.push_contact = PushContact::kExpert;
  ResolveContactTransform("pick_place", &config);
  EXPECT_TRUE(config.contact_pos.isZero());
  ResolveContactTransform("push", &config);
  // the human leads by 5.5 cm, the Robotiq by 3.6: its TCP moves 1.9 cm towards the cube
  EXPECT_NEAR(config.contact_pos.norm(), std::hypot(0.055 - 0.036, 0.028 - 0.02), 1e-9);
  config.push_contact = PushContact::kWrist;
  ResolveContactTransform("push", &config);
  EXPECT_TRUE(config.contact_pos.isZero());
  EXPECT_TRUE(config.contact_quat.isApprox(Eigen::Quaterniond::Identity()));
}

TEST(PushContact, TheSettingIsCheckedStrictly) {
  const std::string path = ::testing::TempDir() + "/push_contact.yaml";
  {
    std::ofstream out(path);
    out << "embodiment: robotiq\nmount: {pos: [0, 0, 0], quat: [1, 0, 0, 0]}\n"
           "objective: aperture\nkeypoints: [{human: 4, site: a}, {human: 8, site: b}]\n"
           "aperture_offset: 0\nalpha: 1\nbeta: 1.0e-5\nfilter: 0.2\npose_filter: 1\n"
           "push_contact: elbow\n";
  }
  try {
    ParseRetargetConfig(core::YamlNode::LoadFile(path));
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("push_contact"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace immimic::mapping
