#include "mapping/alignment_file.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/rng.h"
#include "datasets/dataset_writer.h"
#include "mapping/map_datasets.h"

namespace immimic::mapping {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/mapping_" + std::to_string(getpid()) + "_" + name;
}

AlignmentFile SmallFile() {
  AlignmentFile f;
  f.mode = "action";
  f.embodiment = "robotiq";
  f.human_file = "h.hdf5";
  f.robot_file = "r.hdf5";
  f.human_demo_names = {"demo_0", "demo_1"};
  f.robot_demo_names = {"demo_0"};
  f.human_frames = {3, 2};
  f.robot_frames = {4};
  f.pairs = {{{0, 1, 3}, 1.5, 0.3, 5}, {{0, 3}, 0.25, 0.0625, 4}};
  f.settings_json = R"({"window":null,"joint_weight":0.1})";
  return f;
}

TEST(AlignmentFile, RoundTripsEveryField) {
  const std::string path = TempPath("roundtrip.json");
  const AlignmentFile f = SmallFile();
  WriteAlignmentFile(path, f);
  const AlignmentFile g = ReadAlignmentFile(path);
  EXPECT_EQ(g.mode, f.mode);
  EXPECT_EQ(g.embodiment, f.embodiment);
  EXPECT_EQ(g.human_demo_names, f.human_demo_names);
  EXPECT_EQ(g.robot_demo_names, f.robot_demo_names);
  EXPECT_EQ(g.human_frames, f.human_frames);
  EXPECT_EQ(g.robot_frames, f.robot_frames);
  ASSERT_EQ(g.pairs.size(), 2u);
  EXPECT_EQ(g.at(1, 0).robot_frame, (std::vector<int>{0, 3}));
  EXPECT_EQ(g.at(0, 0).cost, 1.5);
  EXPECT_EQ(g.at(1, 0).mean_step_cost, 0.0625);
  EXPECT_EQ(g.at(0, 0).path_length, 5);
  EXPECT_EQ(nlohmann::json::parse(g.settings_json), nlohmann::json::parse(f.settings_json));
  EXPECT_DOUBLE_EQ(g.MeanStepCost(), (0.3 + 0.0625) / 2);
  std::remove(path.c_str());
}

TEST(AlignmentFile, InvalidContentsAreRejectedOnWriteAndRead) {
  const std::string path = TempPath("invalid.json");
  auto expect_rejected = [&](AlignmentFile f, const char* what) {
    EXPECT_THROW(WriteAlignmentFile(path, f), core::InputError) << what;
  };
  AlignmentFile f = SmallFile();
  f.pairs[0].robot_frame = {0, 2, 1};
  expect_rejected(f, "decreasing frames");
  f = SmallFile();
  f.pairs[0].robot_frame = {0, 1, 4};
  expect_rejected(f, "frame out of range");
  f = SmallFile();
  f.pairs[1].robot_frame = {0};
  expect_rejected(f, "wrong length");
  f = SmallFile();
  f.pairs.pop_back();
  expect_rejected(f, "missing pair");
  f = SmallFile();
  f.pairs[0].cost = NAN;
  expect_rejected(f, "NaN cost");
  f = SmallFile();
  f.mode = "smell";
  expect_rejected(f, "mode");
  f = SmallFile();
  f.human_demo_names[1] = "demo_0";
  expect_rejected(f, "repeated name");
  f = SmallFile();
  f.pairs[0].path_length = 2;
  expect_rejected(f, "impossible path length");
  f = SmallFile();
  f.settings_json = "[1]";
  expect_rejected(f, "settings not an object");

  // files on disk: garbage, wrong format, wrong version, edited to be inconsistent, missing
  EXPECT_THROW(ReadAlignmentFile(TempPath("missing.json")), core::InputError);
  core::WriteFileAtomically(path, "not json");
  EXPECT_THROW(ReadAlignmentFile(path), core::InputError);
  WriteAlignmentFile(path, SmallFile());
  nlohmann::json j = nlohmann::json::parse(core::ReadFile(path));
  for (auto edit : std::vector<std::function<void(nlohmann::json&)>>{
           [](nlohmann::json& x) { x["version"] = 2; },
           [](nlohmann::json& x) { x["format"] = "other"; },
           [](nlohmann::json& x) { x["pairs"][0]["robot_frame"][2] = 9; },
           [](nlohmann::json& x) { x["pairs"][0]["robot"] = 1; },
           [](nlohmann::json& x) { x["pairs"][1].erase("cost"); },
           [](nlohmann::json& x) { x["human_frames"] = "3"; }}) {
    nlohmann::json broken = j;
    edit(broken);
    core::WriteFileAtomically(path, broken.dump());
    EXPECT_THROW(ReadAlignmentFile(path), core::InputError) << broken.dump().substr(0, 80);
  }
  std::remove(path.c_str());
}

// Small synthetic datasets: a retargeted human file and a robot file of the Robotiq, with actions
// and agentview images that follow the motion (a bright square moving with the TCP).
datasets::Episode SyntheticEpisode(core::Rng& rng, int frames, double phase) {
  datasets::Episode e;
  e.num_samples = frames;
  std::vector<double> actions, eef, states;
  std::vector<uint8_t> images;
  constexpr int kSize = 16;
  for (int t = 0; t < frames; ++t) {
    const double s = static_cast<double>(t) / (frames - 1);
    const double x = 0.4 + 0.2 * s + 0.002 * rng.Normal(), y = 0.1 * std::sin(3 * s + phase);
    const double grip = s > 0.5 ? 255.0 : 0.0;
    for (double v : {x, y, 0.9, 3.14159, 0.0, 0.0, grip}) actions.push_back(v);
    for (double v : {x, y, 0.9, 0.0, 1.0, 0.0, 0.0, grip}) eef.push_back(v);
    for (double v : {static_cast<double>(t), x}) states.push_back(v);
    const int cx = static_cast<int>(s * (kSize - 4));
    for (int py = 0; py < kSize; ++py)
      for (int px = 0; px < kSize; ++px)
        for (int c = 0; c < 3; ++c)
          images.push_back(px >= cx && px < cx + 4 && py >= 6 && py < 10 ? 230 : 20);
  }
  const size_t n = static_cast<size_t>(frames);
  e.actions = datasets::Array::Float64({n, 7}, actions);
  e.states = datasets::Array::Float64({n, 2}, states);
  e.obs["eef_pose"] = datasets::Array::Float64({n, 8}, eef);
  e.obs["agentview_image"] = datasets::Array::Uint8({n, kSize, kSize, 3}, images);
  e.model_file = "<mujoco/>";
  e.success = true;
  return e;
}

void WriteSynthetic(const std::string& path, bool human, int demos, int frames, uint64_t seed) {
  core::Rng rng(seed);
  datasets::DatasetWriter writer(path);
  for (int d = 0; d < demos; ++d) writer.Add(SyntheticEpisode(rng, frames + 3 * d, 0.3 * d));
  writer.Finish(human
                    ? R"({"embodiment":"human","task":"push","retarget":{"embodiment":"robotiq"}})"
                    : R"({"embodiment":"robotiq","task":"push"})");
}

TEST(MapDatasets, SameInputsGiveTheSameFileInBothModes) {
  const std::string human = TempPath("human.hdf5"), robot = TempPath("robot.hdf5");
  WriteSynthetic(human, true, 4, 12, 1);
  WriteSynthetic(robot, false, 2, 40, 2);
  for (const std::string mode : {"action", "visual"}) {
    SCOPED_TRACE(mode);
    MapOptions options;
    options.mode = mode;
    options.encoder.grid = 4;
    options.encoder.components = 6;
    const std::string a = TempPath("a.json"), b = TempPath("b.json");
    options.threads = 1;
    WriteAlignmentFile(a, MapDatasets(human, robot, options).file);
    options.threads = 2;
    WriteAlignmentFile(b, MapDatasets(human, robot, options).file);
    EXPECT_EQ(core::ReadFile(a), core::ReadFile(b));
    const AlignmentFile f = ReadAlignmentFile(a);
    EXPECT_EQ(f.mode, mode);
    EXPECT_EQ(f.embodiment, "robotiq");
    EXPECT_EQ(f.num_human(), 4);
    EXPECT_EQ(f.num_robot(), 2);
    EXPECT_EQ(f.human_frames, (std::vector<int>{12, 15, 18, 21}));
    // the motions are alike: each human demo's start maps into the robot demo's first half,
    // its end into the second half
    for (int h = 0; h < 4; ++h) {
      for (int r = 0; r < 2; ++r) {
        EXPECT_LT(f.at(h, r).robot_frame.front(), f.robot_frames[r] / 2);
        EXPECT_GE(f.at(h, r).robot_frame.back(), f.robot_frames[r] / 2);
      }
    }
    std::remove(a.c_str());
    std::remove(b.c_str());
  }
  std::remove(human.c_str());
  std::remove(robot.c_str());
}

TEST(MapDatasets, MismatchedOrUnretargetedInputsAreErrors) {
  const std::string human = TempPath("h2.hdf5"), robot = TempPath("r2.hdf5");
  WriteSynthetic(human, true, 2, 10, 1);
  WriteSynthetic(robot, false, 1, 20, 2);
  MapOptions options;
  EXPECT_THROW(MapDatasets(robot, robot, options), core::InputError);  // human side not human
  EXPECT_THROW(MapDatasets(human, human, options), core::InputError);  // robot side not robot
  options.mode = "smell";
  EXPECT_THROW(MapDatasets(human, robot, options), core::InputError);
  options.mode = "action";
  options.window = 0;  // 10 x 20 frames cannot fit a zero-width band... the path needs slope 2
  EXPECT_THROW(MapDatasets(human, robot, options), core::InputError);
  std::remove(human.c_str());
  std::remove(robot.c_str());
}

}  // namespace
}  // namespace immimic::mapping
