#include "envs/mjcf_composer.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/mujoco_runtime.h"

namespace immimic::envs {
namespace {

constexpr char kScene[] =
    R"(<mujoco><compiler autolimits="true"/><worldbody><body name="mount"/></worldbody></mujoco>)";
constexpr char kPart[] = R"(
<mujoco>
  <compiler angle="radian" autolimits="true"/>
  <default><default class="part"><joint damping="1"/></default></default>
  <worldbody>
    <body name="base" childclass="part">
      <joint name="j1" type="hinge" range="0 1"/>
      <geom name="g" type="sphere" size="0.01" mass="0.1"/>
      <body name="tip"><joint name="j2" range="0 1"/><geom type="sphere" size="0.01"/></body>
    </body>
  </worldbody>
  <equality><joint joint1="j2" joint2="j1"/></equality>
  <actuator><position name="a" joint="j1" kp="1"/></actuator>
</mujoco>)";

TEST(MjcfComposer, PrefixesNamesAndReferences) {
  MjcfComposer composer(kScene, "scene");
  EXPECT_EQ(composer.AddPart(kPart, "part", "left", "mount", "0 0.1 0", ""), "left/base");
  composer.AddPart(kPart, "part", "right", "mount", "0 -0.1 0", "");
  ModelPtr model = LoadModelFromXml(composer.Xml(), "composed");
  for (const char* name : {"left/j1", "left/j2", "right/j1", "right/j2"}) {
    EXPECT_GE(mj_name2id(model.get(), mjOBJ_JOINT, name), 0) << name;
  }
  EXPECT_GE(mj_name2id(model.get(), mjOBJ_ACTUATOR, "right/a"), 0);
  EXPECT_EQ(model->neq, 2);
  // the class default reached the prefixed copies
  EXPECT_EQ(model->dof_damping[model->jnt_dofadr[mj_name2id(model.get(), mjOBJ_JOINT, "left/j2")]],
            1.0);
  // parent is the named body
  const int base = mj_name2id(model.get(), mjOBJ_BODY, "right/base");
  EXPECT_EQ(model->body_parentid[base], mj_name2id(model.get(), mjOBJ_BODY, "mount"));
}

TEST(MjcfComposer, RejectsPartsThatBreakTheContract) {
  MjcfComposer composer(kScene, "scene");
  EXPECT_THROW(composer.AddPart("<mujoco><worldbody><geom size='1'/></worldbody></mujoco>", "p",
                                "x", "", "", ""),
               core::InputError);
  EXPECT_THROW(composer.AddPart("<mujoco><default><joint damping='1'/></default>"
                                "<worldbody><body name='b'/></worldbody></mujoco>",
                                "p", "x", "", "", ""),
               core::InputError);
  EXPECT_THROW(composer.AddPart("<notmujoco/>", "p", "x", "", "", ""), core::InputError);
  EXPECT_THROW(composer.AddPart("<mujoco><worldbody>", "p", "x", "", "", ""), core::InputError);
  EXPECT_THROW(composer.AddPart(kPart, "p", "x", "no_such_body", "", ""), core::InputError);
}

TEST(MujocoRuntime, CompileErrorsBecomeExceptionsWithMujocosMessage) {
  try {
    LoadModelFromXml("<mujoco><worldbody><geom type='box'/></worldbody></mujoco>", "bad");
    FAIL();
  } catch (const core::SimulationError& e) {
    EXPECT_NE(std::string(e.what()).find("bad"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace immimic::envs
