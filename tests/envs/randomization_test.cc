// Domain randomisation (envs/randomization.h): strict configs, draws from the episode seed, a
// nominal file that changes nothing, and friction scaling checked against Coulomb's law.

#include "envs/randomization.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "envs/env.h"

namespace immimic::envs {
namespace {

const char* kNominalYaml = R"(
friction_scale: [1, 1]
object_mass_scale: [1, 1]
actuator_gain_scale: [1, 1]
light_scale: [1, 1]
color_jitter: 0
camera_position_jitter: 0
camera_rotation_jitter_deg: 0
object_position_jitter: 0
proprio_noise: 0
object_noise: 0
action_latency_steps: [0, 0]
)";

Randomization FromText(const std::string& text) {
  return ParseRandomization(core::YamlNode::LoadString(text, "test.yaml"), "test");
}

EnvConfig Config(const std::string& task) {
  EnvConfig config;
  config.embodiment = "robotiq";
  config.task = task;
  config.image_width = 32;
  config.image_height = 32;
  return config;
}

TEST(Randomization, ShippedFilesLoad) {
  EXPECT_EQ(LoadRandomization("default").name, "default");
  EXPECT_EQ(LoadRandomization("none").max_latency_steps, 0);
  EXPECT_THROW(LoadRandomization("no_such_randomization"), core::InputError);
}

TEST(Randomization, RejectsBadConfigs) {
  EXPECT_THROW(FromText(std::string(kNominalYaml) + "extra: 1\n"), core::ConfigError);
  EXPECT_THROW(FromText("friction_scale: [1, 1]\n"), core::ConfigError);
  std::string bad = kNominalYaml;
  bad.replace(bad.find("[1, 1]"), 6, "[1.2, 0.8]");
  EXPECT_THROW(FromText(bad), core::ConfigError);
  bad = kNominalYaml;
  bad.replace(bad.find("[0, 0]"), 6, "[0, 1.5]");
  EXPECT_THROW(FromText(bad), core::ConfigError);
  bad = kNominalYaml;
  bad.replace(bad.find("color_jitter: 0"), 15, "color_jitter: -1");
  EXPECT_THROW(FromText(bad), core::ConfigError);
}

// The machinery alone changes nothing: a nominal randomisation gives the same images, states
// and object placements, bit for bit.
TEST(Randomization, NominalFileChangesNothing) {
  const EnvConfig config = Config("pick_place");
  auto scene = SceneModel::Build(config);
  Env plain(config, scene);
  Env nominal(config, scene, std::make_shared<const Randomization>(FromText(kNominalYaml)));
  const Observation a = plain.Reset(7);
  const Observation b = nominal.Reset(7);
  EXPECT_EQ(a.object_state, b.object_state);
  EXPECT_EQ(a.agentview.pixels, b.agentview.pixels);
  Eigen::VectorXd action = plain.HoldAction(plain.embodiment().OpenHand());
  action[2] -= 0.05;
  for (int i = 0; i < 5; ++i) {
    const Observation& x = plain.Step(action).obs;
    const Observation& y = nominal.Step(action).obs;
    EXPECT_EQ(x.proprio, y.proprio);
    EXPECT_EQ(x.wrist.pixels, y.wrist.pixels);
  }
}

// Same seed, same draws; another seed, other draws; the shared nominal model is untouched and
// each draw lies in its range.
TEST(Randomization, DrawsFollowTheEpisodeSeed) {
  EnvConfig config = Config("pick_place");
  config.images = false;
  auto scene = SceneModel::Build(config);
  auto randomization = std::make_shared<const Randomization>(LoadRandomization("default"));
  Env first(config, scene, randomization), second(config, scene, randomization);
  const mjModel* nominal = scene->model();
  const int cube = mj_name2id(nominal, mjOBJ_BODY, "pp_cube");
  ASSERT_GE(cube, 0);
  const double nominal_mass = nominal->body_mass[cube];
  const double nominal_friction = nominal->geom_friction[0];

  const Observation a = first.Reset(3);
  const Observation b = second.Reset(3);
  EXPECT_EQ(a.object_state, b.object_state);
  EXPECT_EQ(first.physics_model()->body_mass[cube], second.physics_model()->body_mass[cube]);
  const double mass_scale = first.physics_model()->body_mass[cube] / nominal_mass;
  EXPECT_GE(mass_scale, randomization->object_mass_scale.low);
  EXPECT_LE(mass_scale, randomization->object_mass_scale.high);
  EXPECT_NE(mass_scale, 1.0);
  const double friction_scale = first.physics_model()->geom_friction[0] / nominal_friction;
  EXPECT_GE(friction_scale, randomization->friction_scale.low);
  EXPECT_LE(friction_scale, randomization->friction_scale.high);

  second.Reset(4);
  EXPECT_NE(first.physics_model()->body_mass[cube], second.physics_model()->body_mass[cube]);
  EXPECT_EQ(nominal->body_mass[cube], nominal_mass);
  EXPECT_EQ(nominal->geom_friction[0], nominal_friction);
}

// Coulomb friction: a cube sliding at v0 stops after v0^2 / (2 mu g), mu the larger of the two
// geoms' coefficients (MuJoCo's default combination), so halving every friction doubles it.
double SlideDistance(Env& env, double v0) {
  env.Reset(0);
  const mjModel* m = env.physics_model();
  mjData* d = env.mutable_data();
  const int joint = mj_name2id(m, mjOBJ_JOINT, "cube_joint");
  const int dof = m->jnt_dofadr[joint];
  const double x0 = d->qpos[m->jnt_qposadr[joint]];
  d->qvel[dof] = v0;
  for (int i = 0; i < static_cast<int>(1.0 / m->opt.timestep); ++i) mj_step(m, d);
  EXPECT_LT(std::abs(d->qvel[dof]), 1e-3);
  return d->qpos[m->jnt_qposadr[joint]] - x0;
}

TEST(Randomization, FrictionScaleMatchesCoulomb) {
  EnvConfig config = Config("");
  config.images = false;
  auto scene = SceneModel::Build(config);
  std::string half = kNominalYaml;
  half.replace(half.find("[1, 1]"), 6, "[0.5, 0.5]");
  Env nominal(config, scene);
  Env halved(config, scene, std::make_shared<const Randomization>(FromText(half)));
  const mjModel* m = scene->model();
  const int cube_geom = mj_name2id(m, mjOBJ_GEOM, "cube_geom");
  const int table_geom = mj_name2id(m, mjOBJ_GEOM, "table_top");
  ASSERT_GE(cube_geom, 0);
  ASSERT_GE(table_geom, 0);
  const double mu = std::max(m->geom_friction[3 * cube_geom], m->geom_friction[3 * table_geom]);
  const double g = -m->opt.gravity[2], v0 = 0.8;
  const double expected = v0 * v0 / (2 * mu * g);
  EXPECT_NEAR(SlideDistance(nominal, v0), expected, 0.15 * expected);
  EXPECT_NEAR(SlideDistance(halved, v0), 2 * expected, 0.15 * 2 * expected);
}

}  // namespace
}  // namespace immimic::envs
