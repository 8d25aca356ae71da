#include "envs/scene_builder.h"

#include <sstream>

#include "core/atomic_file.h"
#include "core/paths.h"
#include "envs/mjcf_composer.h"

namespace immimic::envs {
namespace {

std::string Vec(std::initializer_list<double> values) {
  std::ostringstream out;
  out.precision(17);
  bool first = true;
  for (double v : values) {
    out << (first ? "" : " ") << v;
    first = false;
  }
  return out.str();
}

std::string ReadAsset(const std::string& relative) {
  return core::ReadFile(core::AssetPath(relative));
}

}  // namespace

std::string Prefixed(const std::string& prefix, const std::string& name) {
  return prefix + "/" + name;
}

std::string BuildSceneXml(const EmbodimentSpec& embodiment, const Task& task,
                          const SceneLayout& layout) {
  MjcfComposer composer(ReadAsset("scene/tabletop.xml"), "scene/tabletop.xml");
  composer.SetSectionAttribute("visual", "global", "offwidth",
                               std::to_string(layout.offscreen_width));
  composer.SetSectionAttribute("visual", "global", "offheight",
                               std::to_string(layout.offscreen_height));

  const std::string& name = embodiment.name;
  if (embodiment.is_robot()) {
    const Eigen::Vector3d& b = layout.arm_base;
    const std::string arm_root = composer.AddPart(ReadAsset("arm/panda.xml"), "arm/panda.xml",
                                                  kArmPrefix, "", Vec({b.x(), b.y(), b.z()}), "");
    (void)arm_root;
    const Eigen::Vector3d& p = embodiment.mount_pos;
    const Eigen::Quaterniond& q = embodiment.mount_quat;
    composer.AddPart(
        ReadAsset(embodiment.asset), embodiment.asset, name, Prefixed(kArmPrefix, "link7"),
        Vec({p.x(), p.y(), p.z() + layout.flange_offset}), Vec({q.w(), q.x(), q.y(), q.z()}));
  } else {
    // the hand starts anywhere; Env::Reset moves both the hand and its mocap target home
    const std::string root =
        composer.AddPart(ReadAsset(embodiment.asset), embodiment.asset, name, "", "0.5 0 1.1", "");
    composer.AddToBody(root, "<freejoint name=\"" + Prefixed(name, "root") + "\"/>");
    const std::string target = Prefixed(name, kWristTargetBody);
    composer.AddToBody("", "<body name=\"" + target + "\" mocap=\"true\" pos=\"0.5 0 1.1\"/>");
    // a stiff but soft weld: the hand follows its target and still pushes back on contact
    composer.AddToSection("equality", "<weld name=\"" + Prefixed(name, "wrist_weld") +
                                          "\" body1=\"" + target + "\" body2=\"" + root +
                                          "\" solref=\"0.02 1\"/>");
  }
  for (const std::string& object : task.ObjectAssets()) {
    composer.AddPart(ReadAsset(object), object, "", "", "", "");
  }
  return composer.Xml();
}

}  // namespace immimic::envs
