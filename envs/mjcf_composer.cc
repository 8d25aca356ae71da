#include "envs/mjcf_composer.h"

#include <array>
#include <cstring>
#include <functional>

#include "core/error.h"

namespace immimic::envs {
namespace {

using tinyxml2::XMLDocument;
using tinyxml2::XMLElement;

// Attributes whose value is a name or a reference to a name somewhere in MJCF 2.2.2.
constexpr std::array<const char*, 27> kNameAttributes = {
    "name",     "class",   "childclass", "material", "texture",    "mesh",     "hfield",
    "body",     "body1",   "body2",      "joint",    "joint1",     "joint2",   "geom",
    "geom1",    "geom2",   "site",       "tendon",   "tendon1",    "tendon2",  "jointinparent",
    "actuator", "objname", "refsite",    "target",   "slidersite", "cranksite"};

// Sections copied element by element from a part into the scene.
constexpr std::array<const char*, 6> kMergedSections = {"asset",    "equality", "tendon",
                                                        "actuator", "sensor",   "contact"};
// Sections a part may carry for standalone use; the scene's own settings win.
constexpr std::array<const char*, 6> kIgnoredSections = {"compiler", "option",    "size",
                                                         "visual",   "statistic", "keyframe"};

template <size_t N>
bool IsOneOf(const char* value, const std::array<const char*, N>& list) {
  for (const char* item : list) {
    if (std::strcmp(value, item) == 0) return true;
  }
  return false;
}

std::unique_ptr<XMLDocument> Parse(const std::string& xml, const std::string& name) {
  auto doc = std::make_unique<XMLDocument>();
  IMMIMIC_THROW_UNLESS(doc->Parse(xml.c_str(), xml.size()) == tinyxml2::XML_SUCCESS,
                       core::InputError, name, ": invalid XML: ", doc->ErrorStr());
  XMLElement* root = doc->RootElement();
  IMMIMIC_THROW_UNLESS(root != nullptr && std::strcmp(root->Name(), "mujoco") == 0,
                       core::InputError, name, ": root element must be <mujoco>");
  return doc;
}

XMLElement* FindBodyIn(XMLElement* element, const std::string& name) {
  for (XMLElement* child = element->FirstChildElement(); child != nullptr;
       child = child->NextSiblingElement()) {
    if (std::strcmp(child->Name(), "body") == 0) {
      const char* child_name = child->Attribute("name");
      if (child_name != nullptr && name == child_name) return child;
      if (XMLElement* found = FindBodyIn(child, name)) return found;
    }
  }
  return nullptr;
}

}  // namespace

void PrefixNames(XMLElement* element, const std::string& prefix) {
  if (prefix.empty()) return;
  for (const char* attribute : kNameAttributes) {
    const char* value = element->Attribute(attribute);
    // the built-in "main" default class and the world body keep their names
    if (value == nullptr || std::strcmp(value, "main") == 0 || std::strcmp(value, "world") == 0) {
      continue;
    }
    element->SetAttribute(attribute, (prefix + "/" + value).c_str());
  }
  for (XMLElement* child = element->FirstChildElement(); child != nullptr;
       child = child->NextSiblingElement()) {
    PrefixNames(child, prefix);
  }
}

MjcfComposer::MjcfComposer(const std::string& scene_xml, const std::string& scene_name)
    : doc_(Parse(scene_xml, scene_name)), scene_name_(scene_name) {}

XMLElement* MjcfComposer::Root() { return doc_->RootElement(); }

XMLElement* MjcfComposer::Section(const std::string& name) {
  XMLElement* section = Root()->FirstChildElement(name.c_str());
  if (section == nullptr) {
    section = doc_->NewElement(name.c_str());
    Root()->InsertEndChild(section);
  }
  return section;
}

XMLElement* MjcfComposer::FindBody(const std::string& name) {
  XMLElement* world = Section("worldbody");
  if (name.empty()) return world;
  XMLElement* body = FindBodyIn(world, name);
  IMMIMIC_THROW_UNLESS(body != nullptr, core::InputError, scene_name_, ": no body named '", name,
                       "' to attach to");
  return body;
}

std::string MjcfComposer::AddPart(const std::string& part_xml, const std::string& part_name,
                                  const std::string& prefix, const std::string& parent_body,
                                  const std::string& pos, const std::string& quat) {
  auto part = Parse(part_xml, part_name);
  XMLElement* part_root = part->RootElement();
  PrefixNames(part_root, prefix);

  std::string root_body_name;
  for (XMLElement* section = part_root->FirstChildElement(); section != nullptr;
       section = section->NextSiblingElement()) {
    const char* kind = section->Name();
    if (IsOneOf(kind, kIgnoredSections)) continue;
    if (std::strcmp(kind, "default") == 0) {
      // a part's defaults must live in named classes, so they cannot leak into the scene
      for (XMLElement* child = section->FirstChildElement(); child != nullptr;
           child = child->NextSiblingElement()) {
        IMMIMIC_THROW_UNLESS(
            std::strcmp(child->Name(), "default") == 0, core::InputError, part_name,
            ": top-level <default> may hold only named classes, found <", child->Name(), ">");
        Section("default")->InsertEndChild(child->DeepClone(doc_.get()));
      }
    } else if (std::strcmp(kind, "worldbody") == 0) {
      int bodies = 0;
      for (XMLElement* child = section->FirstChildElement(); child != nullptr;
           child = child->NextSiblingElement()) {
        IMMIMIC_THROW_UNLESS(std::strcmp(child->Name(), "body") == 0, core::InputError, part_name,
                             ": worldbody may hold only its one root body, found <", child->Name(),
                             ">");
        ++bodies;
        auto* copy = child->DeepClone(doc_.get())->ToElement();
        if (!pos.empty()) copy->SetAttribute("pos", pos.c_str());
        if (!quat.empty()) {
          copy->DeleteAttribute("euler");
          copy->DeleteAttribute("axisangle");
          copy->DeleteAttribute("xyaxes");
          copy->DeleteAttribute("zaxis");
          copy->SetAttribute("quat", quat.c_str());
        }
        const char* name = copy->Attribute("name");
        root_body_name = name != nullptr ? name : "";
        FindBody(parent_body)->InsertEndChild(copy);
      }
      IMMIMIC_THROW_UNLESS(bodies == 1, core::InputError, part_name,
                           ": worldbody must hold exactly one root body, found ", bodies);
    } else if (IsOneOf(kind, kMergedSections)) {
      XMLElement* target = Section(kind);
      for (XMLElement* child = section->FirstChildElement(); child != nullptr;
           child = child->NextSiblingElement()) {
        target->InsertEndChild(child->DeepClone(doc_.get()));
      }
    } else {
      throw core::InputError(part_name + ": unsupported section <" + std::string(kind) +
                             "> in a scene part");
    }
  }
  IMMIMIC_THROW_UNLESS(!root_body_name.empty(), core::InputError, part_name,
                       ": the root body needs a name");
  return root_body_name;
}

void MjcfComposer::AddToSection(const std::string& section, const std::string& snippet) {
  XMLDocument fragment;
  IMMIMIC_THROW_UNLESS(fragment.Parse(snippet.c_str()) == tinyxml2::XML_SUCCESS, core::InputError,
                       "invalid MJCF snippet: ", snippet);
  for (XMLElement* child = fragment.FirstChildElement(); child != nullptr;
       child = child->NextSiblingElement()) {
    Section(section)->InsertEndChild(child->DeepClone(doc_.get()));
  }
}

void MjcfComposer::AddToBody(const std::string& body, const std::string& snippet) {
  XMLDocument fragment;
  IMMIMIC_THROW_UNLESS(fragment.Parse(snippet.c_str()) == tinyxml2::XML_SUCCESS, core::InputError,
                       "invalid MJCF snippet: ", snippet);
  XMLElement* target = FindBody(body);
  for (XMLElement* child = fragment.FirstChildElement(); child != nullptr;
       child = child->NextSiblingElement()) {
    // joints must come before child bodies only by convention; MuJoCo accepts any order
    target->InsertFirstChild(child->DeepClone(doc_.get()));
  }
}

void MjcfComposer::SetSectionAttribute(const std::string& section, const std::string& child,
                                       const std::string& attribute, const std::string& value) {
  XMLElement* parent = Section(section);
  XMLElement* element = parent->FirstChildElement(child.c_str());
  if (element == nullptr) {
    element = doc_->NewElement(child.c_str());
    parent->InsertEndChild(element);
  }
  element->SetAttribute(attribute.c_str(), value.c_str());
}

std::string MjcfComposer::Xml() const {
  tinyxml2::XMLPrinter printer;
  doc_->Print(&printer);
  return printer.CStr();
}

}  // namespace immimic::envs
