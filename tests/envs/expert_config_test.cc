// Expert parameters per end-effector come from configs/experts/: every embodiment has an entry
// in every file, and a missing entry, a missing key or an extra key is an error, not a fallback.
#include "envs/experts/expert_config.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "envs/embodiment_spec.h"

namespace immimic::envs {
namespace {

const std::vector<std::string> kPushKeys = {"yaw_offset", "height", "lead"};

TEST(ExpertConfig, EveryEmbodimentHasAnEntryInEveryExpertFile) {
  for (const auto& embodiment : EmbodimentNames()) {
    const auto push = LoadExpertParameters("push", embodiment, kPushKeys);
    EXPECT_GT(push.at("lead"), 0.0) << embodiment;
  }
  // the values as the planners used to hold them in C++ (pi exactly)
  EXPECT_EQ(LoadExpertParameters("push", "ability", kPushKeys).at("yaw_offset"), M_PI);
  EXPECT_EQ(LoadExpertParameters("push", "robotiq", kPushKeys).at("yaw_offset"), M_PI / 2);
}

TEST(ExpertConfig, MissingEntriesAndKeysAreErrors) {
  try {
    LoadExpertParameters("push", "octopus", kPushKeys);
    FAIL() << "no error";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("known: robotiq, fin_ray"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadExpertParameters("push", "robotiq", {"yaw_offset", "height", "lead", "tilt"}),
               core::ConfigError);  // a key the file lacks
  EXPECT_THROW(LoadExpertParameters("push", "robotiq", {"yaw_offset", "height"}),
               core::ConfigError);  // a key the planner does not read
}

}  // namespace
}  // namespace immimic::envs
