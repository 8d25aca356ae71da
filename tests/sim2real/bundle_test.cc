// Bundles (sim2real/bundle.h): written atomically with a SHA-256 manifest; loading refuses a
// changed, damaged, extended or foreign bundle with a message that says why.

#include "sim2real/bundle.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"

namespace immimic::sim2real {
namespace {
namespace fs = std::filesystem;

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("immimic_bundle_test_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "src");
    std::ofstream(root_ / "src" / "weights.bin") << std::string(1000, 'w');
    std::ofstream(root_ / "src" / "run.json") << "{\"method\": \"robot_only\"}";
  }
  void TearDown() override { fs::remove_all(root_); }

  BundleContents Contents() const {
    BundleContents c;
    c.embodiment = "robotiq";
    c.task = "pick_place";
    c.method = "robot_only";
    c.files["run/policy/weights.bin"] = (root_ / "src" / "weights.bin").string();
    c.files["run/run.json"] = (root_ / "src" / "run.json").string();
    c.documents["validation.json"] = {{"success_rate", 0.9}};
    return c;
  }
  std::string Out() const { return (root_ / "bundle").string(); }

  // The message LoadBundle throws, or "" if it loads.
  std::string LoadError(const std::string& embodiment = "robotiq") const {
    try {
      LoadBundle(Out(), embodiment);
      return "";
    } catch (const core::InputError& e) {
      return e.what();
    }
  }

  fs::path root_;
};

TEST_F(BundleTest, RoundTrips) {
  WriteBundle(Out(), Contents());
  const LoadedBundle b = LoadBundle(Out(), "robotiq");
  EXPECT_EQ(b.embodiment, "robotiq");
  EXPECT_EQ(b.task, "pick_place");
  EXPECT_EQ(b.manifest["files"].size(), 3u);
  EXPECT_EQ(b.manifest["files"]["run/policy/weights.bin"].get<std::string>().size(), 64u);
  EXPECT_EQ(core::ReadFile(b.Path("run/policy/weights.bin")), std::string(1000, 'w'));
  EXPECT_EQ(LoadError(""), "");  // no embodiment check
}

TEST_F(BundleTest, RefusesAChangedByte) {
  WriteBundle(Out(), Contents());
  {
    std::fstream f(Out() + "/run/policy/weights.bin", std::ios::in | std::ios::out);
    f.seekp(500);
    f.put('x');
  }
  EXPECT_NE(LoadError().find("SHA-256 of run/policy/weights.bin does not match"), std::string::npos)
      << LoadError();
}

TEST_F(BundleTest, RefusesMissingAndUnlistedFiles) {
  WriteBundle(Out(), Contents());
  std::ofstream(Out() + "/extra.txt") << "x";
  EXPECT_NE(LoadError().find("extra.txt is not in the manifest"), std::string::npos);
  fs::remove(Out() + "/extra.txt");
  fs::remove(Out() + "/run/run.json");
  EXPECT_NE(LoadError().find("run/run.json is missing"), std::string::npos);
}

TEST_F(BundleTest, RefusesAnotherEmbodimentOrFormat) {
  WriteBundle(Out(), Contents());
  EXPECT_NE(LoadError("allegro").find("made for the robotiq, but the hardware is the allegro"),
            std::string::npos);
  nlohmann::json manifest = nlohmann::json::parse(core::ReadFile(Out() + "/manifest.json"));
  manifest["format_version"] = 99;
  core::WriteFileAtomically(Out() + "/manifest.json", manifest.dump());
  EXPECT_NE(LoadError().find("format version 99"), std::string::npos);
  core::WriteFileAtomically(Out() + "/manifest.json", "{not json");
  EXPECT_NE(LoadError().find("not valid JSON"), std::string::npos);
  fs::remove(Out() + "/manifest.json");
  EXPECT_NE(LoadError().find("no manifest.json"), std::string::npos);
}

// A failed write (a source file missing) leaves the older bundle as it was, and no partial one.
TEST_F(BundleTest, FailedWriteKeepsTheOldBundle) {
  WriteBundle(Out(), Contents());
  BundleContents broken = Contents();
  broken.files["run/policy/more.bin"] = (root_ / "src" / "no_such_file").string();
  EXPECT_THROW(WriteBundle(Out(), broken), core::Error);
  EXPECT_EQ(LoadError(), "");
  for (const auto& entry : fs::directory_iterator(root_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "src" || name == "bundle") << name;
  }
  BundleContents escaping = Contents();
  escaping.files["../outside"] = (root_ / "src" / "run.json").string();
  EXPECT_THROW(WriteBundle(Out(), escaping), core::Error);
}

}  // namespace
}  // namespace immimic::sim2real
