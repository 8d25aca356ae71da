#include "agents/training_data.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/rotation.h"
#include "tests/agents/synthetic_dataset.h"

namespace immimic::agents {
namespace {

std::string TempPath(const std::string& name) {
  return "/tmp/immimic_training_data_" + std::to_string(getpid()) + "_" + name;
}

TEST(TrainingData, ResampleAveragesEachOutputArea) {
  // 4x4 -> 2x2: every output pixel is the mean of a 2x2 block; 3x3 -> 2x2 splits pixels
  std::vector<uint8_t> image(4 * 4 * 3);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      for (int ch = 0; ch < 3; ++ch) image[(r * 4 + c) * 3 + ch] = 10 * (r * 4 + c) + ch;
  std::vector<uint8_t> out(3 * 2 * 2);
  ResampleToChannelFirst(image.data(), 4, 4, 2, out.data());
  // block (0,0) holds pixels 0, 1, 4, 5: mean 2.5 * 10 = 25 (+ channel)
  EXPECT_EQ(out[0], 25);
  EXPECT_EQ(out[1], 45);      // pixels 2, 3, 6, 7
  EXPECT_EQ(out[2], 105);     // pixels 8, 9, 12, 13
  EXPECT_EQ(out[3], 125);     // pixels 10, 11, 14, 15
  EXPECT_EQ(out[4 + 0], 26);  // channel 1 plane
  std::vector<uint8_t> three(3 * 3 * 3, 0);
  three[(1 * 3 + 1) * 3] = 225;  // centre pixel: a quarter of it in each output pixel
  ResampleToChannelFirst(three.data(), 3, 3, 2, out.data());
  for (int k = 0; k < 4; ++k) EXPECT_EQ(out[k], 25) << k;  // 225 * (0.5 * 0.5) / (1.5 * 1.5)
}

TEST(TrainingData, LoadsDemosWithWindowsClampedAtTheEnds) {
  const std::string path = TempPath("robot.hdf5");
  testing::WriteSyntheticDataset(path, {5, 3}, 8, false);
  DomainLoadOptions options;
  options.image_size = 4;
  options.require_wrist = true;
  const DomainFrames d = LoadDomainFrames(path, options);
  EXPECT_EQ(d.demos(), 2);
  EXPECT_EQ(d.frames(), 8);
  EXPECT_EQ(d.action_dim, 7);
  EXPECT_EQ(d.proprio_dim, 8);
  EXPECT_EQ(d.task, "push");
  EXPECT_EQ(d.embodiment, "robotiq");
  EXPECT_FALSE(d.human);
  EXPECT_EQ(d.agentview.size(), 8u * 3 * 4 * 4);
  EXPECT_EQ(d.wrist.size(), d.agentview.size());
  // demo 1 frame 2: action row [1 + 0.2, ...]
  EXPECT_FLOAT_EQ(d.actions[7 * (5 + 2)], 1.2f);
  // the green channel encodes the frame: plane 1 of frame 5 + 2 is 2 everywhere
  EXPECT_EQ(d.agentview[(7 * 3 + 1) * 16], 2);
  // observation window of horizon 2 at frame 0 repeats frame 0; chunks repeat the last frame
  EXPECT_EQ(d.ObservationFrame(1, 0, 0, 2), 5);
  EXPECT_EQ(d.ObservationFrame(1, 0, 1, 2), 5);
  EXPECT_EQ(d.ObservationFrame(1, 2, 0, 2), 6);
  EXPECT_EQ(d.ChunkFrame(1, 1, 0), 6);
  EXPECT_EQ(d.ChunkFrame(1, 1, 5), 7);
  EXPECT_EQ(d.ChunkFrame(0, 4, 1), 4);
  // frames `stride` apart: demo 0 (frames 0..4) at frame 3 with stride 2 sees frames 1 and 3,
  // and its chunk is frames 3, 4 (5 clamped to the last), 4
  EXPECT_EQ(d.ObservationFrame(0, 3, 0, 2, 2), 1);
  EXPECT_EQ(d.ObservationFrame(0, 3, 1, 2, 2), 3);
  EXPECT_EQ(d.ObservationFrame(0, 1, 0, 2, 2), 0);  // before the start: the first frame
  EXPECT_EQ(d.ObservationFrame(1, 2, 0, 3, 1), 5);
  EXPECT_EQ(d.ChunkFrame(0, 3, 0, 2), 3);
  EXPECT_EQ(d.ChunkFrame(0, 2, 1, 2), 4);
  EXPECT_EQ(d.ChunkFrame(0, 3, 1, 2), 4);
  EXPECT_EQ(d.ChunkFrame(1, 0, 1, 2), 7);
  // a fractional stride (the robot time compression) takes the nearest frame: 1.6 -> 2, 3.2 -> 3
  EXPECT_EQ(d.ChunkFrame(0, 0, 1, 1.6), 2);
  EXPECT_EQ(d.ChunkFrame(0, 0, 2, 1.6), 3);
  EXPECT_EQ(d.ChunkFrame(0, 0, 3, 1.6), 4);  // 4.8 -> 5, clamped to the last frame
  EXPECT_EQ(d.ObservationFrame(0, 4, 0, 2, 1.6), 2);
  EXPECT_EQ(d.ObservationFrame(0, 4, 0, 3, 1.6), 1);  // 3.2 back
  options.max_demos = 1;
  EXPECT_EQ(LoadDomainFrames(path, options).demos(), 1);
  std::remove(path.c_str());
}

TEST(TrainingData, QuaternionSignFacesTheHomeOrientation) {
  // stored eef_pose[k] = 0.5 demo - 0.02 t + 0.01 k: the quaternion's x (k = 4) of demo 0 turns
  // negative from frame 3 on, and those rows are loaded as -q
  const std::string path = TempPath("quaternion.hdf5");
  testing::WriteSyntheticDataset(path, {6}, 4, false);
  DomainLoadOptions options;
  options.image_size = 4;
  const DomainFrames d = LoadDomainFrames(path, options);
  for (int t = 0; t < 6; ++t) {
    const float sign = 0.01f * 4 - 0.02f * t < 0 ? -1.0f : 1.0f;
    for (int k = 0; k < 8; ++k) {
      const float stored = -0.02f * t + 0.01f * k;
      EXPECT_FLOAT_EQ(d.proprio[8 * t + k], k >= 3 && k < 7 ? sign * stored : stored)
          << "frame " << t << " value " << k;
    }
  }
  std::remove(path.c_str());
}

TEST(TrainingData, ActionAxisAngleFacesTheHomeOrientation) {
  // a hand tilted just past the top-down orientation, written with the angle below pi: its x
  // is about -pi where a neighbouring frame's is about +pi
  double flipped[7] = {0.5, 0.0, 0.8, -3.1, -0.2, 0.3, 100};
  const Eigen::Vector3d before(flipped[3], flipped[4], flipped[5]);
  CanonicalizeActionAxisAngle(flipped);
  const Eigen::Vector3d after(flipped[3], flipped[4], flipped[5]);
  EXPECT_GT(after.x(), 3.0);      // on the same side as the robot demos' +pi
  EXPECT_GT(after.norm(), M_PI);  // the long way round, the same rotation:
  EXPECT_NEAR(after.norm(), 2 * M_PI - before.norm(), 1e-12);
  EXPECT_TRUE(core::MatrixFromAxisAngle(after).isApprox(core::MatrixFromAxisAngle(before), 1e-12));
  EXPECT_EQ(flipped[0], 0.5);  // position and hand untouched
  EXPECT_EQ(flipped[6], 100);
  // rows facing home stay bit for bit, as does the identity
  float home[6] = {0, 0, 0, 3.0f, -1.0f, 1e-7f};
  CanonicalizeActionAxisAngle(home);
  EXPECT_EQ(home[3], 3.0f);
  EXPECT_EQ(home[4], -1.0f);
  EXPECT_EQ(home[5], 1e-7f);
  double identity[6] = {0, 0, 0, 0, 0, 0};
  CanonicalizeActionAxisAngle(identity);
  EXPECT_EQ(identity[3], 0.0);
}

TEST(TrainingData, HumanVideosWithoutActionsAreRejected) {
  const std::string path = TempPath("human.hdf5");
  {
    datasets::DatasetWriter writer(path);
    datasets::Episode e = testing::SyntheticEpisode(0, 4, 8, true);
    e.actions.reset();
    writer.Add(e);
    writer.Finish(R"({"task": "push", "embodiment": "human"})");
  }
  try {
    LoadDomainFrames(path, {});
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("immimic retarget"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(TrainingData, MissingWristImageIsNamed) {
  const std::string path = TempPath("nowrist.hdf5");
  {
    datasets::DatasetWriter writer(path);
    datasets::Episode e = testing::SyntheticEpisode(0, 4, 8, true);
    writer.Add(e);
    writer.Finish(R"({"task": "push", "embodiment": "robotiq"})");
  }
  DomainLoadOptions options;
  options.require_wrist = true;
  EXPECT_THROW(LoadDomainFrames(path, options), core::InputError);
  options.require_wrist = false;
  EXPECT_NO_THROW(LoadDomainFrames(path, options));
  std::remove(path.c_str());
}

// One demo of 3 frames with 7-D proprio [position, quaternion] and 7-D actions [position,
// axis-angle, gripper]; images are one byte each so image rows are easy to name.
DomainFrames ThreeFrameDemo() {
  DomainFrames f;
  f.source = "three_frames";
  f.image_size = 1;
  f.demo_start = {0, 3};
  f.agentview = {10, 10, 10, 20, 20, 20, 30, 30, 30};
  f.proprio_dim = 7;
  f.action_dim = 7;
  f.proprio = {0, 0, 0, 0, 1,    0,    0,   //
               1, 0, 0, 0, 1,    0,    0,   //
               3, 0, 0, 0, 0.6f, 0.8f, 0};  // 106 degrees of rotation away: blended, renormalised
  f.actions = {0, 0, 0, 3.0,  0, 0, 0,      //
               2, 0, 0, 3.1,  0, 0, 1,      //
               4, 0, 0, -3.1, 0, 0, 1};     // axis-angle wrapped at pi: nearer frame
  return f;
}

TEST(TrainingData, StretchTimeInterpolatesAtRecordedTimes) {
  const DomainFrames f = StretchTime(ThreeFrameDemo(), 2.0);
  ASSERT_EQ(f.frames(), 5);  // (3 - 1) * 2 + 1
  EXPECT_EQ(f.demo_start, (std::vector<int>{0, 5}));
  EXPECT_EQ(f.source_time, (std::vector<double>{0, 0.5, 1, 1.5, 2}));
  EXPECT_EQ(f.image_row, (std::vector<int>{0, 1, 1, 2, 2}));  // nearest, halves round up
  EXPECT_EQ(f.ImageRow(3), 2);
  EXPECT_EQ(f.agentview.size(), 9u);  // images are shared, not copied
  // positions and the gripper interpolate linearly
  EXPECT_FLOAT_EQ(f.proprio[1 * 7], 0.5f);
  EXPECT_FLOAT_EQ(f.proprio[3 * 7], 2.0f);
  EXPECT_FLOAT_EQ(f.actions[1 * 7], 1.0f);
  EXPECT_FLOAT_EQ(f.actions[1 * 7 + 6], 0.5f);
  // axis-angles 0.1 rad apart blend; across the wrap at pi the nearer frame is taken
  EXPECT_FLOAT_EQ(f.actions[1 * 7 + 3], 3.05f);
  EXPECT_FLOAT_EQ(f.actions[3 * 7 + 3], -3.1f);
  // quaternions in one hemisphere blend and are renormalised
  EXPECT_NEAR(f.proprio[3 * 7 + 4], 2 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(f.proprio[3 * 7 + 5], 1 / std::sqrt(5.0), 1e-6);
  // factor 1 keeps the frames, only marking them
  const DomainFrames same = StretchTime(ThreeFrameDemo(), 1.0);
  EXPECT_EQ(same.proprio, ThreeFrameDemo().proprio);
  EXPECT_EQ(same.actions, ThreeFrameDemo().actions);
}

TEST(TrainingData, StretchTimeRejectsBadFactorsAndRestretching) {
  EXPECT_THROW(StretchTime(ThreeFrameDemo(), 0.0), core::InputError);
  EXPECT_THROW(StretchTime(ThreeFrameDemo(), std::nan("")), core::InputError);
  EXPECT_THROW(StretchTime(StretchTime(ThreeFrameDemo(), 2.0), 2.0), core::InputError);
  const DomainFrames shorter = StretchTime(ThreeFrameDemo(), 0.5);
  EXPECT_EQ(shorter.frames(), 2);
  EXPECT_EQ(shorter.source_time, (std::vector<double>{0, 2}));
}

// Two demos with proprio [position 3, quaternion 4, readout] and actions [position 3,
// axis-angle 3, command]. Demo 0 closes on an object at frame 2: the readout stops at 10 while
// the command ramps on to 20 (frames 3 and 4), then holds. Demo 1 is stalled throughout.
DomainFrames StallingDemos() {
  DomainFrames f;
  f.source = "stalling";
  f.image_size = 1;
  f.demo_start = {0, 7, 10};
  f.agentview.assign(10, 0);
  f.proprio_dim = 8;
  f.action_dim = 7;
  const float readout[] = {0, 5, 10, 10, 10, 10, 10, 10, 10, 10};
  const float command[] = {0, 5, 10, 15, 20, 20, 20, 0, 10, 20};
  for (int t = 0; t < 10; ++t) {
    f.proprio.insert(f.proprio.end(), {0.01f * t, 0, 0, 0, 1, 0, 0, readout[t]});
    f.actions.insert(f.actions.end(), {0.01f * t, 0, 0, 3, 0, 0, command[t]});
  }
  return f;
}

TEST(TrainingData, DropHandStallFramesRemovesTheUnseenRamp) {
  // tolerance 0.1: the readout is still below 1 (range 10), the command moves above 2 (range 20)
  const DomainFrames f = DropHandStallFrames(StallingDemos(), 0.1);
  EXPECT_EQ(f.demo_start, (std::vector<int>{0, 5, 7}));
  EXPECT_EQ(f.recorded_frame, (std::vector<int>{0, 1, 2, 5, 6, 0, 2}));
  EXPECT_EQ(f.image_row, (std::vector<int>{0, 1, 2, 5, 6, 7, 9}));  // images shared
  EXPECT_EQ(f.agentview.size(), 10u);
  EXPECT_FLOAT_EQ(f.actions[3 * 7 + 6], 20.0f);  // the ramp's end follows its start
  EXPECT_FLOAT_EQ(f.proprio[3 * 8], 0.05f);
  EXPECT_EQ(f.ObservationFrame(0, 3, 0, 2), 2);  // windows run over the kept frames
  // alignments count recorded frames: the next kept one, or the demo's last
  EXPECT_EQ(f.FrameAtOrAfterRecorded(0, 3), 3);
  EXPECT_EQ(f.FrameAtOrAfterRecorded(0, 2), 2);
  EXPECT_EQ(f.FrameAtOrAfterRecorded(1, 1), 1);
  EXPECT_EQ(f.FrameAtOrAfterRecorded(1, 9), 1);
  EXPECT_EQ(StallingDemos().FrameAtOrAfterRecorded(0, 3), 3);  // nothing dropped: itself
  // a tolerance the ramp's steps stay under keeps every frame
  EXPECT_EQ(DropHandStallFrames(StallingDemos(), 0.6).frames(), 10);
}

TEST(TrainingData, DropHandStallFramesRejectsBadInput) {
  EXPECT_THROW(DropHandStallFrames(StallingDemos(), 0.0), core::InputError);
  EXPECT_THROW(DropHandStallFrames(StallingDemos(), 1.0), core::InputError);
  EXPECT_THROW(DropHandStallFrames(DropHandStallFrames(StallingDemos(), 0.1), 0.1),
               core::InputError);
  DomainFrames human = StallingDemos();
  human.human = true;
  EXPECT_THROW(DropHandStallFrames(human, 0.1), core::InputError);
  EXPECT_THROW(DropHandStallFrames(ThreeFrameDemo(), 0.1), core::InputError);  // no readout
}

// Demo 0: moves 1 cm a frame for 10 frames, rests at x = 0.10 (1 mm jitter, the stored
// quaternion's sign flipping) for 20 frames, moves again for 10. Demo 1: the same, but the hand
// readout closes while the arm rests. Demo 2: 20 frames at rest.
DomainFrames RestingDemos() {
  DomainFrames f;
  f.source = "resting";
  f.image_size = 1;
  f.demo_start = {0, 40, 80, 100};
  f.agentview.assign(100, 0);
  f.proprio_dim = 8;
  f.action_dim = 7;
  for (int d = 0; d < 3; ++d) {
    for (int t = 0; t < f.demo_length(d); ++t) {
      float x = d == 2 ? 0.1f : t < 10 ? 0.01f * t : t < 30 ? 0.1f : 0.1f + 0.01f * (t - 29);
      if (d < 2 && t >= 10 && t < 30) x += (t % 2 ? 0.001f : -0.001f);
      const float sign = t % 3 == 0 ? -1.0f : 1.0f;
      const float readout = d == 1 && t >= 15 ? std::min(1.0f, 0.1f * (t - 15)) : 0.0f;
      f.proprio.insert(f.proprio.end(), {x, 0, 0.9f, 0, sign, 0, 0, readout});
      f.actions.insert(f.actions.end(), {x, 0, 0.9f, 3.14f, 0, 0, d == 1 && t >= 15 ? 1.0f : 0.0f});
    }
  }
  return f;
}

TEST(TrainingData, DropIdleFramesRemovesTheMiddleOfRests) {
  const DomainFrames f = DropIdleFrames(RestingDemos(), 0.005);
  // demo 0: frames whose +-8 window lies inside the rest (10..29) go: 18..21
  std::vector<int> expected;
  for (int t = 0; t < 40; ++t) {
    if (t < 18 || t > 21) expected.push_back(t);
  }
  // demo 1: the closing hand keeps the rest; demo 2: only its first and last frames stay
  for (int t = 0; t < 40; ++t) expected.push_back(t);
  expected.push_back(0);
  expected.push_back(19);
  EXPECT_EQ(f.recorded_frame, expected);
  EXPECT_EQ(f.demo_start, (std::vector<int>{0, 36, 76, 78}));
  EXPECT_EQ(f.image_row[18], 22);  // images shared with the kept frames
  EXPECT_FLOAT_EQ(f.actions[18 * 7], 0.099f);
  EXPECT_EQ(f.FrameAtOrAfterRecorded(0, 19), 18);
  // a tolerance under the 2 mm jitter keeps the jittering rests; a wide one takes frames whose
  // window reaches into the moves (demo 0: 14..25)
  EXPECT_EQ(DropIdleFrames(RestingDemos(), 0.001).frames(), 82);
  EXPECT_EQ(DropIdleFrames(RestingDemos(), 0.05).frames(), 70);
  // it composes with the hand-stall drop: recorded indices stay those of the file
  const DomainFrames both = DropIdleFrames(DropHandStallFrames(StallingDemos(), 0.1), 0.005);
  EXPECT_EQ(both.recorded_frame, (std::vector<int>{0, 1, 2, 5, 6, 0, 2}));
}

TEST(TrainingData, DropIdleFramesRejectsBadInput) {
  EXPECT_THROW(DropIdleFrames(RestingDemos(), 0.0), core::InputError);
  EXPECT_THROW(DropIdleFrames(RestingDemos(), 0.2), core::InputError);
  EXPECT_THROW(DropIdleFrames(RestingDemos(), std::nan("")), core::InputError);
  DomainFrames human = RestingDemos();
  human.human = true;
  EXPECT_THROW(DropIdleFrames(human, 0.005), core::InputError);
  EXPECT_THROW(DropIdleFrames(StretchTime(RestingDemos(), 2.0), 0.005), core::InputError);
}

}  // namespace
}  // namespace immimic::agents
