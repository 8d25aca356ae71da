#pragma once
// Composes one scene from several MJCF files as XML text (MuJoCo 2.2.2 has no attach API).
// Each part is spliced in under a name prefix: every name and every reference to a name
// (bodies, joints, classes, materials, ...) becomes "<prefix>/<name>", so parts never clash.

#include <tinyxml2.h>

#include <memory>
#include <string>

namespace immimic::envs {

class MjcfComposer {
 public:
  // Starts from a complete scene file (compiler, option, visual, worldbody...).
  explicit MjcfComposer(const std::string& scene_xml, const std::string& scene_name);

  // Splices `part_xml` (a complete MJCF file with exactly one root body) in. Its root body goes
  // under the body named `parent_body` (already prefixed; empty = worldbody) with the given
  // pos/quat attributes (empty strings keep the part's own). Returns the prefixed root name.
  std::string AddPart(const std::string& part_xml, const std::string& part_name,
                      const std::string& prefix, const std::string& parent_body,
                      const std::string& pos, const std::string& quat);

  // Adds raw MJCF children to a top-level section (created if absent), e.g. ("equality",
  // "<weld .../>"). The snippet uses final (already prefixed) names.
  void AddToSection(const std::string& section, const std::string& snippet);
  // Adds a child element to a named body (or worldbody when body is empty).
  void AddToBody(const std::string& body, const std::string& snippet);
  // Sets an attribute on a top-level section element, creating it if needed.
  void SetSectionAttribute(const std::string& section, const std::string& child,
                           const std::string& attribute, const std::string& value);

  std::string Xml() const;

 private:
  tinyxml2::XMLElement* Root();
  tinyxml2::XMLElement* Section(const std::string& name);
  tinyxml2::XMLElement* FindBody(const std::string& name);

  std::unique_ptr<tinyxml2::XMLDocument> doc_;
  std::string scene_name_;
};

// Prefixes every name and name reference in `element` and its descendants.
void PrefixNames(tinyxml2::XMLElement* element, const std::string& prefix);

}  // namespace immimic::envs
