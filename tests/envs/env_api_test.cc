// The Env contract: determinism, clear errors on bad actions and configs, divergence handling,
// no heap allocation in Step, specs that match the observations.

#include <gtest/gtest.h>

#include <limits>

#include "core/error.h"
#include "core/rng.h"
#include "envs/env.h"
#include "tests/envs/allocation_counter.h"
#include "tests/envs/scripted_motion.h"

namespace immimic::envs {
namespace {

EnvConfig SmallConfig(const std::string& embodiment, bool images) {
  EnvConfig config;
  config.embodiment = embodiment;
  config.images = images;
  config.image_width = 32;
  config.image_height = 24;
  return config;
}

// A random but valid action sequence near the home pose.
std::vector<Eigen::VectorXd> RandomActions(const Env& env, uint64_t seed, int count) {
  core::Rng rng(seed);
  std::vector<Eigen::VectorXd> actions;
  const auto& spec = env.embodiment();
  for (int i = 0; i < count; ++i) {
    Eigen::VectorXd a(env.action_dim());
    a.head<3>() =
        env.config().home_position +
        Eigen::Vector3d(rng.Uniform(-0.1, 0.1), rng.Uniform(-0.1, 0.1), rng.Uniform(-0.15, 0.05));
    a.segment<3>(3) =
        env.config().home_axis_angle +
        Eigen::Vector3d(rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2));
    for (int k = 0; k < spec.hand_dim(); ++k) {
      a[6 + k] = rng.Uniform(spec.hand[k].low, spec.hand[k].high);
    }
    actions.push_back(a);
  }
  return actions;
}

TEST(EnvDeterminism, SameSeedGivesBitIdenticalRollout) {
  const EnvConfig config = SmallConfig("robotiq", true);
  Env a(config), b(config);
  const auto actions = RandomActions(a, 5, 20);
  a.Reset(11);
  b.Reset(11);
  for (const auto& action : actions) {
    const StepResult& ra = a.Step(action);
    const StepResult& rb = b.Step(action);
    ASSERT_EQ(ra.obs.proprio, rb.obs.proprio);
    ASSERT_EQ(ra.obs.object_state, rb.obs.object_state);
    ASSERT_EQ(ra.obs.agentview.pixels, rb.obs.agentview.pixels);
    ASSERT_EQ(ra.obs.wrist.pixels, rb.obs.wrist.pixels);
  }
  for (int i = 0; i < a.model()->nq; ++i) ASSERT_EQ(a.data()->qpos[i], b.data()->qpos[i]);
}

TEST(EnvDeterminism, ResetWithSameSeedRepeatsAfterOtherEpisodes) {
  Env env(SmallConfig("fin_ray", false));
  const Eigen::VectorXd first = env.Reset(3).object_state;
  env.Reset(4);
  EXPECT_EQ(env.Reset(3).object_state, first);
}

TEST(EnvDeterminism, DifferentSeedsPlaceTheCubeDifferently) {
  Env env(SmallConfig("robotiq", false));
  const Eigen::VectorXd a = env.Reset(1).object_state;
  const Eigen::VectorXd b = env.Reset(2).object_state;
  EXPECT_GT((a.head<2>() - b.head<2>()).norm(), 1e-4);
}

TEST(EnvErrors, WrongSizeNanAndInfActionsAreClearErrors) {
  Env env(SmallConfig("robotiq", false));
  env.Reset(0);
  Eigen::VectorXd action = env.HoldAction(env.embodiment().OpenHand());
  EXPECT_THROW(env.Step(Eigen::VectorXd::Zero(3)), core::InputError);
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    Eigen::VectorXd a = action;
    a[4] = bad;
    try {
      env.Step(a);
      FAIL() << "accepted " << bad;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("action[4] is not finite"), std::string::npos);
    }
  }
  // the env is still usable after rejected actions
  EXPECT_FALSE(env.Step(action).truncated);
}

TEST(EnvErrors, StepBeforeResetIsAnError) {
  Env env(SmallConfig("ability", false));
  EXPECT_THROW(env.Step(Eigen::VectorXd::Zero(env.action_dim())), core::InputError);
}

TEST(EnvErrors, BadConfigsNameTheProblem) {
  EXPECT_THROW(Env(SmallConfig("gripper9000", false)), core::InputError);
  EnvConfig tiny = SmallConfig("robotiq", false);
  tiny.image_width = 2;
  EXPECT_THROW(Env{tiny}, core::ConfigError);
  EnvConfig coarse = SmallConfig("robotiq", false);
  coarse.substeps = 1;
  EXPECT_THROW(Env{coarse}, core::ConfigError);
  EnvConfig task = SmallConfig("robotiq", false);
  task.task = "juggle";
  EXPECT_THROW(Env{task}, core::InputError);
}

TEST(EnvErrors, YamlConfigRejectsUnknownKeys) {
  const auto node =
      core::YamlNode::LoadString("embodiment: allegro\nimage_widht: 64\n", "env.yaml");
  EnvConfig config = ParseEnvConfig(node);
  EXPECT_EQ(config.embodiment, "allegro");
  try {
    node.RejectUnknownKeys();
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("image_widht"), std::string::npos);
  }
}

TEST(EnvDivergence, ExplodingStateTruncatesWithReason) {
  Env env(SmallConfig("robotiq", false));
  env.Reset(0);
  const Eigen::VectorXd hold = env.HoldAction(env.embodiment().OpenHand());
  // fling the cube: far beyond any physical speed
  const int cube_dof = env.model()->jnt_dofadr[mj_name2id(env.model(), mjOBJ_JOINT, "cube_joint")];
  env.mutable_data()->qvel[cube_dof] = 1e6;
  const StepResult& r = env.Step(hold);
  EXPECT_TRUE(r.truncated);
  EXPECT_NE(std::string(r.info.truncation_reason).find("diverged"), std::string::npos);
  EXPECT_THROW(env.Step(hold), core::InputError);  // needs a reset
  env.Reset(0);
  EXPECT_FALSE(env.Step(hold).truncated);
}

TEST(EnvLimits, EpisodeEndsAtTheTimeLimit) {
  EnvConfig config = SmallConfig("robotiq", false);
  config.episode_seconds = 0.5;
  Env env(config);
  env.Reset(0);
  const Eigen::VectorXd hold = env.HoldAction(env.embodiment().OpenHand());
  int steps = 0;
  while (!env.Step(hold).truncated) ++steps;
  EXPECT_EQ(steps + 1, 15);  // 0.5 s at 30 Hz
  EXPECT_STREQ(env.Step(hold).info.truncation_reason, "time_limit");
}

TEST(EnvPerformance, StepDoesNotAllocate) {
  for (const char* embodiment : {"robotiq", "human"}) {
    Env env(SmallConfig(embodiment, true));
    env.Reset(0);
    const auto actions = RandomActions(env, 1, 10);
    env.Step(actions[0]);  // first step may warm lazily sized buffers
    immimic::testing::CountAllocations counter;
    for (const auto& action : actions) env.Step(action);
    EXPECT_EQ(counter.count(), 0u) << embodiment;
  }
}

TEST(EnvSpecs, SpecsMatchObservationsAndActions) {
  Env env(SmallConfig("allegro", true));
  const Observation& obs = env.Reset(0);
  const ArraySpec action = env.action_spec();
  EXPECT_EQ(action.shape[0], 6 + 16);
  EXPECT_EQ(action.labels.size(), 22u);
  for (const ArraySpec& spec : env.observation_spec()) {
    if (spec.name == "agentview_image") {
      EXPECT_EQ(spec.shape, (std::vector<int>{24, 32, 3}));
      EXPECT_EQ(obs.agentview.pixels.size(), 24u * 32 * 3);
    } else if (spec.name == "eef_pose") {
      EXPECT_EQ(spec.shape[0], obs.proprio.size());
    } else if (spec.name == "object_state") {
      EXPECT_EQ(spec.shape[0], obs.object_state.size());
    }
  }
  // proprioception: unit quaternion with w >= 0
  EXPECT_NEAR(obs.proprio.segment<4>(3).norm(), 1.0, 1e-9);
  EXPECT_GE(obs.proprio[3], 0.0);
}

}  // namespace
}  // namespace immimic::envs
