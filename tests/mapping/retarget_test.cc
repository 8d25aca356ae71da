#include "mapping/retargeter.h"

#include <string>

#include <gtest/gtest.h>
#include <mujoco/mujoco.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/rng.h"
#include "envs/mujoco_runtime.h"

namespace immimic::mapping {
namespace {

const std::vector<std::string> kEndEffectors = {"robotiq", "fin_ray", "allegro", "ability"};

// The shipped config with the optimiser left alone: no smoothness pull, no filter.
RetargetConfig ExactConfig(const std::string& name) {
  RetargetConfig config = LoadRetargetConfig(name);
  config.beta = 0.0;
  config.filter = 1.0;
  config.aperture_offset = 0.0;
  config.alpha = 1.0;
  return config;
}

// Human keypoints (TCP frame) that the end-effector matches exactly at `hand`.
Eigen::Matrix3Xd KeypointsFromHand(FrameRetargeter& retargeter, const Eigen::VectorXd& hand) {
  Eigen::Matrix3Xd points;
  retargeter.kinematics().Points(hand, &points);
  Eigen::Matrix3Xd human = Eigen::Matrix3Xd::Zero(3, kHumanKeypoints);
  const RetargetConfig& config = retargeter.config();
  for (size_t i = 0; i < config.keypoints.size(); ++i) {
    human.col(config.keypoints[i].human) = points.col(i) / config.alpha;
  }
  return human;
}

Eigen::VectorXd RandomHand(core::Rng& rng, const HandKinematics& kinematics) {
  Eigen::VectorXd hand(kinematics.hand_dim());
  for (int k = 0; k < hand.size(); ++k) {
    // keep off the bounds: a point on a bound is recovered too, but the error test wants the
    // interior where the solution is unique
    hand[k] = kinematics.low()[k] +
              (kinematics.high()[k] - kinematics.low()[k]) * rng.Uniform(0.05, 0.95);
  }
  return hand;
}

TEST(Retarget, RecoversKnownConfigurationFromForwardKinematicsOnEveryEndEffector) {
  for (const std::string& name : kEndEffectors) {
    SCOPED_TRACE(name);
    FrameRetargeter retargeter(envs::LoadEmbodimentSpec(name), ExactConfig(name));
    HandKinematics& kinematics = retargeter.kinematics();
    const Eigen::VectorXd range = kinematics.high() - kinematics.low();
    core::Rng rng(11);
    for (int trial = 0; trial < 5; ++trial) {
      // a motion from the open hand to a random target, solved frame by frame as in a demo
      const Eigen::VectorXd open = retargeter.spec().OpenHand();
      const Eigen::VectorXd target = RandomHand(rng, kinematics);
      Eigen::VectorXd previous = open;
      constexpr int kFrames = 12;
      for (int f = 1; f <= kFrames; ++f) {
        const Eigen::VectorXd truth = open + (target - open) * f / kFrames;
        const Eigen::Matrix3Xd human = KeypointsFromHand(retargeter, truth);
        const FrameSolution s = retargeter.Solve(human, &previous);
        previous = s.hand;
        EXPECT_LT(s.residual, 1e-4) << "frame " << f;  // 0.1 mm
      }
      // the end configuration itself, where the keypoints determine it: an Allegro finger's
      // last two joints form a planar two-link chain whose tip has an elbow-up and an
      // elbow-down solution, so there only the keypoints are checked
      if (name != "allegro") {
        const double error = (previous - target).cwiseQuotient(range).cwiseAbs().maxCoeff();
        EXPECT_LT(error, 2e-3) << "target " << target.transpose() << " got "
                               << previous.transpose();
      }
      Eigen::Matrix3Xd got, want;
      kinematics.Points(previous, &got);
      kinematics.Points(target, &want);
      EXPECT_LT((got - want).colwise().norm().maxCoeff(), 1e-4);
    }
  }
}

TEST(Retarget, TabulatedGripperKinematicsMatchSimulationBetweenGridPoints) {
  for (const std::string& name : {std::string("robotiq"), std::string("fin_ray")}) {
    SCOPED_TRACE(name);
    const envs::EmbodimentSpec spec = envs::LoadEmbodimentSpec(name);
    HandKinematics kinematics(spec, {"thumb_tip", "index_tip"});
    ASSERT_TRUE(kinematics.tabulated());
    // halfway between grid points, where linear interpolation is worst
    const double step =
        (spec.hand[0].high - spec.hand[0].low) / (HandKinematics::kTableSamples - 1);
    for (double fraction : {0.1, 0.5, 0.9}) {
      const double value =
          spec.hand[0].low +
          step * (std::floor(fraction * (HandKinematics::kTableSamples - 1)) + 0.5);
      Eigen::Matrix3Xd table;
      kinematics.Points(Eigen::VectorXd::Constant(1, value), &table);
      const Eigen::Matrix3Xd simulated = kinematics.SimulateSettled(value);
      EXPECT_LT((table - simulated).colwise().norm().maxCoeff(), 2e-4) << "value " << value;
    }
    // the pads close: the open gap is wider than the closed one
    Eigen::Matrix3Xd open, closed;
    kinematics.Points(spec.OpenHand(), &open);
    kinematics.Points(spec.ClosedHand(), &closed);
    EXPECT_GT((open.col(0) - open.col(1)).norm(), (closed.col(0) - closed.col(1)).norm() + 0.05);
  }
}

TEST(Retarget, DirectKinematicsMatchTheSimulatedHandWithItsCouplings) {
  // the Ability PIPs follow the MCPs through joint equalities: the kinematics must put the
  // fingertips where the simulated hand (servos settled, gravity and contacts off) has them
  for (const std::string& name : {std::string("ability"), std::string("allegro")}) {
    SCOPED_TRACE(name);
    const envs::EmbodimentSpec spec = envs::LoadEmbodimentSpec(name);
    const RetargetConfig config = LoadRetargetConfig(name);
    std::vector<std::string> sites;
    for (const KeypointPair& pair : config.keypoints) sites.push_back(pair.site);
    HandKinematics kinematics(spec, sites);
    ASSERT_FALSE(kinematics.tabulated());
    const Eigen::VectorXd hand = 0.4 * spec.OpenHand() + 0.6 * spec.ClosedHand();
    Eigen::Matrix3Xd points;
    kinematics.Points(hand, &points);

    const std::string path = core::AssetPath(spec.asset);
    envs::ModelPtr model = envs::LoadModelFromXml(core::ReadFile(path), path);
    model->opt.gravity[2] = 0.0;
    model->opt.disableflags |= mjDSBL_CONTACT;
    const envs::DataPtr data = envs::MakeData(model.get());
    for (int k = 0; k < spec.hand_dim(); ++k) {
      for (const envs::ActuatorMap& map : spec.hand[k].actuators) {
        data->ctrl[envs::RequireId(model.get(), mjOBJ_ACTUATOR, map.actuator)] =
            map.offset + map.scale * hand[k];
      }
    }
    for (int step = 0; step < 4000; ++step) mj_step(model.get(), data.get());
    mj_kinematics(model.get(), data.get());
    const int tcp = envs::RequireId(model.get(), mjOBJ_SITE, "tcp");
    const Eigen::Vector3d tcp_pos(data->site_xpos + 3 * tcp);
    Eigen::Matrix3d tcp_rot;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) tcp_rot(r, c) = data->site_xmat[9 * tcp + 3 * r + c];
    for (size_t i = 0; i < sites.size(); ++i) {
      const int site = envs::RequireId(model.get(), mjOBJ_SITE, sites[i]);
      const Eigen::Vector3d simulated =
          tcp_rot.transpose() * (Eigen::Vector3d(data->site_xpos + 3 * site) - tcp_pos);
      EXPECT_LT((simulated - points.col(i)).norm(), 1e-3) << sites[i];
    }
  }
}

TEST(Retarget, KinematicJacobianMatchesFiniteDifferences) {
  core::Rng rng(8);
  for (const std::string& name : kEndEffectors) {
    SCOPED_TRACE(name);
    const RetargetConfig config = LoadRetargetConfig(name);
    std::vector<std::string> sites;
    for (const KeypointPair& pair : config.keypoints) sites.push_back(pair.site);
    HandKinematics kinematics(envs::LoadEmbodimentSpec(name), sites);
    for (int trial = 0; trial < 3; ++trial) {
      const Eigen::VectorXd hand = RandomHand(rng, kinematics);
      Eigen::Matrix3Xd points, shifted;
      Eigen::MatrixXd jacobian;
      kinematics.PointsAndJacobian(hand, &points, &jacobian);
      ASSERT_EQ(jacobian.rows(), 3 * kinematics.num_points());
      ASSERT_EQ(jacobian.cols(), kinematics.hand_dim());
      for (int k = 0; k < kinematics.hand_dim(); ++k) {
        // central differences, with a step inside one table cell for the tabulated grippers
        const double h =
            1e-3 * (kinematics.high()[k] - kinematics.low()[k]) / HandKinematics::kTableSamples;
        Eigen::VectorXd plus = hand, minus = hand;
        plus[k] += h;
        minus[k] -= h;
        Eigen::Matrix3Xd a, b;
        kinematics.Points(plus, &a);
        kinematics.Points(minus, &b);
        const Eigen::Matrix3Xd numeric = (a - b) / (2 * h);
        const Eigen::VectorXd column =
            Eigen::Map<const Eigen::VectorXd>(numeric.data(), numeric.size());
        EXPECT_LT((jacobian.col(k) - column).norm(), 1e-4 * (1.0 + column.norm())) << "dim " << k;
      }
    }
  }
}

TEST(Retarget, NeverLeavesJointLimitsEvenForUnreachableKeypoints) {
  core::Rng rng(3);
  for (const std::string& name : kEndEffectors) {
    SCOPED_TRACE(name);
    FrameRetargeter retargeter(envs::LoadEmbodimentSpec(name), LoadRetargetConfig(name));
    const HandKinematics& kinematics = retargeter.kinematics();
    Eigen::VectorXd previous = retargeter.spec().OpenHand();
    for (int trial = 0; trial < 40; ++trial) {
      Eigen::Matrix3Xd human(3, kHumanKeypoints);
      for (int i = 0; i < kHumanKeypoints; ++i) {
        for (int c = 0; c < 3; ++c) human(c, i) = rng.Uniform(-0.3, 0.3);
      }
      const FrameSolution s = retargeter.Solve(human, trial % 2 ? &previous : nullptr);
      for (int k = 0; k < s.hand.size(); ++k) {
        EXPECT_GE(s.hand[k], kinematics.low()[k]);
        EXPECT_LE(s.hand[k], kinematics.high()[k]);
      }
      previous = s.hand;
    }
  }
}

// A synthetic demo: a wrist moving along a line while the hand closes, keypoints from the
// end-effector's own kinematics placed through wrist * mount, with noise.
HumanFrames SyntheticDemo(FrameRetargeter& retargeter, int frames, double noise, uint64_t seed) {
  core::Rng rng(seed);
  const RetargetConfig& config = retargeter.config();
  HumanFrames out;
  out.keypoints.resize(frames, 3 * kHumanKeypoints);
  out.wrist_pose.resize(frames, 7);
  const Eigen::VectorXd open = retargeter.spec().OpenHand();
  const Eigen::VectorXd closed = retargeter.spec().ClosedHand();
  for (int t = 0; t < frames; ++t) {
    const double s = static_cast<double>(t) / std::max(1, frames - 1);
    const Eigen::Vector3d wrist_pos(0.4 + 0.1 * s, -0.1 + 0.2 * s, 1.0 - 0.1 * s);
    const Eigen::Quaterniond wrist_quat =
        Eigen::Quaterniond(Eigen::AngleAxisd(0.5 * s, Eigen::Vector3d(0.3, 1.0, 0.2).normalized()));
    const Eigen::Matrix3Xd tcp_points = KeypointsFromHand(retargeter, open + s * (closed - open));
    const Eigen::Matrix3d rotation = wrist_quat * config.mount_quat.toRotationMatrix();
    const Eigen::Vector3d origin = wrist_pos + wrist_quat * config.mount_pos;
    for (int i = 0; i < kHumanKeypoints; ++i) {
      Eigen::Vector3d p = origin + rotation * tcp_points.col(i);
      for (int c = 0; c < 3; ++c) p[c] += noise * rng.Normal();
      out.keypoints.block<1, 3>(t, 3 * i) = p.transpose();
    }
    out.wrist_pose.row(t) << wrist_pos.x(), wrist_pos.y(), wrist_pos.z(), wrist_quat.w(),
        wrist_quat.x(), wrist_quat.y(), wrist_quat.z();
  }
  return out;
}

TEST(Retarget, SequenceMapsWristThroughMountAndStaysInLimits) {
  for (const std::string& name : kEndEffectors) {
    SCOPED_TRACE(name);
    FrameRetargeter retargeter(envs::LoadEmbodimentSpec(name), LoadRetargetConfig(name));
    const HumanFrames frames = SyntheticDemo(retargeter, 40, 0.003, 5);
    const RetargetedDemo demo = RetargetSequence(retargeter, frames);
    const int n = retargeter.spec().hand_dim();
    ASSERT_EQ(demo.actions.rows(), 40);
    ASSERT_EQ(demo.actions.cols(), 6 + n);
    ASSERT_EQ(demo.eef_pose.cols(), 7 + n);
    const RetargetConfig& config = retargeter.config();
    for (int t = 0; t < 40; ++t) {
      const Eigen::Quaterniond wrist(frames.wrist_pose(t, 3), frames.wrist_pose(t, 4),
                                     frames.wrist_pose(t, 5), frames.wrist_pose(t, 6));
      const Eigen::Vector3d tcp =
          frames.wrist_pose.row(t).head<3>().transpose() + wrist * config.mount_pos;
      EXPECT_LT((demo.actions.row(t).head<3>().transpose() - tcp).norm(), 1e-12);
      const Eigen::Quaterniond q(demo.eef_pose(t, 3), demo.eef_pose(t, 4), demo.eef_pose(t, 5),
                                 demo.eef_pose(t, 6));
      EXPECT_LT(q.angularDistance(wrist * config.mount_quat), 1e-9);
      const Eigen::Vector3d axis_angle = demo.actions.row(t).segment<3>(3).transpose();
      EXPECT_LT(Eigen::AngleAxisd(axis_angle.norm(), axis_angle.normalized())
                    .toRotationMatrix()
                    .isApprox(q.toRotationMatrix(), 1e-9),
                2);
      for (int k = 0; k < n; ++k) {
        EXPECT_GE(demo.actions(t, 6 + k), retargeter.spec().hand[k].low);
        EXPECT_LE(demo.actions(t, 6 + k), retargeter.spec().hand[k].high);
        EXPECT_EQ(demo.actions(t, 6 + k), demo.eef_pose(t, 7 + k));
      }
    }
    EXPECT_EQ(demo.quality.detected_frames, 40);
    EXPECT_GE(demo.quality.limit_hit_fraction, 0.0);
    EXPECT_LE(demo.quality.limit_hit_fraction, 1.0);
  }
}

TEST(Retarget, SameInputGivesIdenticalOutput) {
  for (const std::string& name : {std::string("allegro"), std::string("robotiq")}) {
    FrameRetargeter a(envs::LoadEmbodimentSpec(name), LoadRetargetConfig(name));
    FrameRetargeter b(envs::LoadEmbodimentSpec(name), LoadRetargetConfig(name));
    const HumanFrames frames = SyntheticDemo(a, 30, 0.005, 9);
    const RetargetedDemo first = RetargetSequence(a, frames);
    const RetargetedDemo second = RetargetSequence(b, frames);
    const RetargetedDemo again = RetargetSequence(a, frames);  // reused retargeter too
    EXPECT_TRUE((first.actions.array() == second.actions.array()).all()) << name;
    EXPECT_TRUE((first.actions.array() == again.actions.array()).all()) << name;
    EXPECT_TRUE((first.eef_pose.array() == second.eef_pose.array()).all()) << name;
  }
}

TEST(Retarget, UndetectedFramesAreInterpolatedAndHeld) {
  RetargetConfig config = LoadRetargetConfig("ability");
  config.filter = 1.0;  // see the raw fill
  FrameRetargeter retargeter(envs::LoadEmbodimentSpec("ability"), config);
  HumanFrames frames = SyntheticDemo(retargeter, 20, 0.0, 1);
  frames.detected.assign(20, true);
  for (int t : {0, 1, 8, 9, 10, 19}) {
    frames.detected[t] = false;
    frames.keypoints.row(t).setConstant(NAN);
    frames.wrist_pose.row(t).setConstant(NAN);
  }
  const RetargetedDemo demo = RetargetSequence(retargeter, frames);
  ASSERT_TRUE(demo.actions.allFinite());
  EXPECT_EQ(demo.quality.detected_frames, 14);
  // held before the first and after the last detected frame
  EXPECT_TRUE((demo.actions.row(0).array() == demo.actions.row(2).array()).all());
  EXPECT_TRUE((demo.actions.row(19).array() == demo.actions.row(18).array()).all());
  // linear between frames 7 and 11 (hand values and position)
  for (int t = 8; t <= 10; ++t) {
    const double w = (t - 7) / 4.0;
    const Eigen::RowVectorXd expected =
        (1 - w) * demo.actions.row(7).tail(6) + w * demo.actions.row(11).tail(6);
    EXPECT_LT((demo.actions.row(t).tail(6) - expected).cwiseAbs().maxCoeff(), 1e-12);
    const Eigen::RowVector3d position =
        (1 - w) * demo.actions.row(7).head<3>() + w * demo.actions.row(11).head<3>();
    EXPECT_LT((demo.actions.row(t).head<3>() - position).norm(), 1e-12);
  }
}

TEST(Retarget, LowPassFilterFollowsTheDocumentedRecursion) {
  RetargetConfig raw_config = LoadRetargetConfig("fin_ray");
  raw_config.filter = 1.0;
  RetargetConfig filtered_config = raw_config;
  filtered_config.filter = 0.2;
  FrameRetargeter raw(envs::LoadEmbodimentSpec("fin_ray"), raw_config);
  FrameRetargeter filtered(envs::LoadEmbodimentSpec("fin_ray"), filtered_config);
  const HumanFrames frames = SyntheticDemo(raw, 25, 0.002, 4);
  const RetargetedDemo x = RetargetSequence(raw, frames);
  const RetargetedDemo y = RetargetSequence(filtered, frames);
  double expected = x.actions(0, 6);
  for (int t = 0; t < 25; ++t) {
    if (t > 0) expected += 0.2 * (x.actions(t, 6) - expected);
    EXPECT_NEAR(y.actions(t, 6), expected, 1e-12) << t;
  }
}

TEST(Retarget, BadInputIsAClearError) {
  FrameRetargeter retargeter(envs::LoadEmbodimentSpec("ability"), LoadRetargetConfig("ability"));
  Eigen::Matrix3Xd human = Eigen::Matrix3Xd::Zero(3, kHumanKeypoints);
  human(1, 4) = NAN;
  EXPECT_THROW(retargeter.Solve(human, nullptr), core::InputError);
  EXPECT_THROW(retargeter.Solve(Eigen::Matrix3Xd::Zero(3, 5), nullptr), core::InputError);
  const Eigen::VectorXd wrong_previous = Eigen::VectorXd::Zero(3);
  EXPECT_THROW(retargeter.Solve(Eigen::Matrix3Xd::Zero(3, kHumanKeypoints), &wrong_previous),
               core::InputError);

  HumanFrames frames = SyntheticDemo(retargeter, 6, 0.0, 2);
  HumanFrames bad = frames;
  bad.wrist_pose.conservativeResize(5, 7);
  EXPECT_THROW(RetargetSequence(retargeter, bad), core::InputError);
  bad = frames;
  bad.detected.assign(6, false);
  EXPECT_THROW(RetargetSequence(retargeter, bad), core::InputError);  // never detected
  bad = frames;
  bad.detected.assign(6, true);
  bad.keypoints(3, 7) = NAN;  // flagged detected but NaN
  EXPECT_THROW(RetargetSequence(retargeter, bad), core::InputError);
  bad = frames;
  bad.wrist_pose.row(2).tail<4>().setZero();  // not a rotation
  EXPECT_THROW(RetargetSequence(retargeter, bad), core::InputError);
  bad = frames;
  bad.keypoints.conservativeResize(6, 60);
  EXPECT_THROW(RetargetSequence(retargeter, bad), core::InputError);

  // configs: wrong embodiment, unknown site, unknown key, bad numbers
  RetargetConfig config = LoadRetargetConfig("allegro");
  EXPECT_THROW(FrameRetargeter(envs::LoadEmbodimentSpec("ability"), config), core::ConfigError);
  config.keypoints[0].site = "no_such_site";
  EXPECT_THROW(FrameRetargeter(envs::LoadEmbodimentSpec("allegro"), config), core::ConfigError);
  const std::string base = core::ReadFile(core::ConfigPath("retarget/robotiq.yaml"));
  EXPECT_THROW(ParseRetargetConfig(core::YamlNode::LoadString(base + "extra: 1\n", "x.yaml")),
               core::ConfigError);
  for (const char* line : {"alpha: 1.0", "filter: 0.2", "beta: 1.0e-5"}) {
    std::string broken = base;
    const std::string key = std::string(line).substr(0, std::string(line).find(':'));
    broken.replace(broken.find(line), std::string(line).size(), key + ": -1");
    EXPECT_THROW(ParseRetargetConfig(core::YamlNode::LoadString(broken, "x.yaml")),
                 core::ConfigError)
        << key;
  }
  EXPECT_THROW(LoadRetargetConfig("no_such_hand"), core::Error);
}

TEST(Retarget, ShippedMountIsTheHumanModelsTcp) {
  // TCP pose = wrist pose * mount must put the end-effector's TCP where the human hand's own TCP
  // site is (the point its closed hand grasps around)
  const std::string path = core::AssetPath("hands/human.xml");
  const envs::ModelPtr model = envs::LoadModelFromXml(core::ReadFile(path), path);
  const envs::DataPtr data = envs::MakeData(model.get());
  mj_kinematics(model.get(), data.get());
  const int tcp = envs::RequireId(model.get(), mjOBJ_SITE, "tcp");
  const Eigen::Vector3d pos(data->site_xpos + 3 * tcp);
  Eigen::Matrix3d rotation;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) rotation(r, c) = data->site_xmat[9 * tcp + 3 * r + c];
  for (const std::string& name : kEndEffectors) {
    const RetargetConfig config = LoadRetargetConfig(name);
    EXPECT_LT((config.mount_pos - pos).norm(), 1e-9) << name;
    EXPECT_TRUE(config.mount_quat.toRotationMatrix().isApprox(rotation, 1e-9)) << name;
  }
}

}  // namespace
}  // namespace immimic::mapping
