#pragma once
// The frames of one training domain (robot demos, or retargeted human videos) held in memory in
// the form the trainer batches from: every demo's frames concatenated, images already resized to
// the network's size and laid out channel-first, vectors as float32. Loaded once per run, so the
// per-batch work is only gathering rows.
//
// Windows follow Diffusion Policy: the observation at frame t is frames t-To+1 .. t (repeating
// the demo's first frame before its start); the action chunk at t is actions t .. t+Ta-1
// (repeating the demo's last action after its end), so chunk[0] is the action for frame t.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace immimic::agents {

struct DomainFrames {
  std::string source;  // file it came from, for messages
  std::string task, embodiment;
  std::string env_args;  // the dataset's env_args JSON (what an evaluation env is built from)
  bool human = false;
  int image_size = 0;              // square images, image_size x image_size
  std::vector<int> demo_start;     // demos + 1 offsets into the frame arrays
  std::vector<uint8_t> agentview;  // frames x 3 x S x S
  std::vector<uint8_t> wrist;      // frames x 3 x S x S; empty for human videos
  int proprio_dim = 0, action_dim = 0;
  std::vector<float> proprio;  // frames x proprio_dim (obs/eef_pose)
  std::vector<float> actions;  // frames x action_dim
  // Set by StretchTime, empty for frames as recorded: each frame's demo-local time in recorded
  // frames (fractional), and the row of agentview/wrist it shows (the nearest recorded frame).
  std::vector<double> source_time;
  std::vector<int> image_row;
  // Set by DropHandStallFrames and DropIdleFrames, empty for frames as recorded: each frame's
  // demo-local recorded frame index.
  std::vector<int> recorded_frame;

  int demos() const { return static_cast<int>(demo_start.size()) - 1; }
  int frames() const { return demo_start.empty() ? 0 : demo_start.back(); }
  int demo_length(int demo) const { return demo_start[demo + 1] - demo_start[demo]; }
  // Global frame index of observation k (0 = oldest) of the window ending at frame t of demo,
  // frames `stride` apart (PolicyConfig::frame_stride, times the robot time compression; a
  // fractional offset takes the nearest frame, as the paper's evenly spaced indices do).
  int ObservationFrame(int demo, int t, int k, int horizon, double stride = 1) const;
  // Global frame index of action j of the chunk starting at frame t of demo, rows `stride` apart
  // (the nearest frame for a fractional stride).
  int ChunkFrame(int demo, int t, int j, double stride = 1) const;
  // The demo-local index of the first frame at or after recorded frame `recorded` of demo (the
  // demo's last frame if none): where an alignment to recorded frames points after a drop.
  int FrameAtOrAfterRecorded(int demo, int recorded) const;
  // Row of agentview/wrist that global frame `frame` shows.
  int ImageRow(int frame) const { return image_row.empty() ? frame : image_row[frame]; }
};

struct DomainLoadOptions {
  int image_size = 84;         // network input size; stored images are area-resampled to it
  bool require_wrist = false;  // robot data for a policy that uses the wrist camera
  int max_demos = 0;           // 0: all demos; otherwise the first max_demos (demo-count sweeps)
};

// Reads a dataset (datasets::DatasetReader validates it) into memory. Throws core::InputError
// naming the file and demo if a demo lacks actions (human videos must be retargeted first),
// agentview images, a wrist image when required, or has an empty or non-finite vector.
DomainFrames LoadDomainFrames(const std::string& path, const DomainLoadOptions& options);

// Resamples every demo in time by `factor` (> 1 slows it down): a demo of n frames becomes
// round((n - 1) * factor) + 1 frames, frame j drawn from recorded time min(j / factor, n - 1).
// Why: teleoperated robot demos are about 4.5-4.8x slower than human motion (docs/paper.md), so a
// human action chunk of Ta frames spans that much more motion than a robot chunk; stretched, the
// two chunk kinds cover the same motion per step. Positions, hand dimensions and same-hemisphere
// proprio quaternions (then renormalised) interpolate linearly between the two nearest recorded
// frames; rotations across a sign flip of the quaternion or a jump of the axis-angle over
// 0.5 rad (the wrap at pi) take the nearer frame; images are shared with the nearest frame
// (image_row), not copied. Actions are [position 3, axis-angle 3, hand], proprio [position 3,
// quaternion 4, hand]. Throws core::InputError for a factor that is not positive and finite or
// frames already stretched.
DomainFrames StretchTime(const DomainFrames& frames, double factor);

// Drops the frames in which the hand is stalled: every hand readout of the proprio (obs/eef_pose
// after the quaternion) moved by at most `tolerance` x its range over the domain since the
// previous recorded frame, while some hand command (actions after the axis-angle) moved by more
// than `tolerance` x its range. Why: when fingers close on an object (or begin to open from it)
// they stop while the command goes on ramping, so for tens of frames the observation is the
// same and only the unseen command differs; a policy cannot tell how far along the ramp it is,
// and on pick_place it stalled there with the gripper half closed
// (docs/experiments/methods_log.md). Dropped, the ramp passes in one step. A demo's first and last
// frames are always kept; images are shared with the kept frames (image_row), not copied. Throws
// core::InputError for a tolerance that is not in (0, 1), human videos (their proprio is
// retargeted, not read from a hand), or frames already stretched or dropped.
DomainFrames DropHandStallFrames(const DomainFrames& frames, double tolerance);

// Drops the robot frames in the middle of idle stretches: a frame goes when, over the frames
// within kIdleHalfWindow of it in its demo, the commanded and the measured TCP positions stay
// within `tolerance_m` of its own, the measured orientation within tolerance_m /
// kIdleLeverArmM rad, and every hand command and readout within kIdleHandFraction of its
// range. Why: teleoperated demos pause (hesitations, the slow ends and starts of minimum-jerk
// segments, the wait after a gripper closes), and a policy that meets such a still state
// mostly predicts staying still, so on pick_place it hovered above the cube and the pad and
// held the closed gripper at the cube (docs/experiments/methods_log.md). Dropped, the demo moves
// on. A demo's first and last frames are always kept; images are shared (image_row); composes with
// DropHandStallFrames. Throws core::InputError for a tolerance outside (0, 0.1] m, human videos
// or frames stretched in time.
constexpr int kIdleHalfWindow = 8;          // frames each side (0.27 s at 30 Hz)
constexpr double kIdleLeverArmM = 0.1;      // orientation tolerance = tolerance_m / this
constexpr double kIdleHandFraction = 0.02;  // of each hand dimension's range
DomainFrames DropIdleFrames(const DomainFrames& frames, double tolerance_m);

// obs/eef_pose is [tcp position 3, tcp quaternion wxyz 4, hand dims]. q and -q are the same
// orientation, and near the top-down home orientation (w ~ 0) the stored sign flips from frame to
// frame; the policy sees the sign with q . q_home >= 0 (q_home = (0, 1, 0, 0), the approach axis
// pointing down), which is ambiguous only 180 degrees away from home. Needs proprio.size() >= 7.
template <typename T>
void CanonicalizeProprioQuaternion(T* proprio) {
  if (proprio[4] < 0) {
    for (int i = 3; i < 7; ++i) proprio[i] = -proprio[i];
  }
}

// Actions carry the TCP orientation as an axis-angle r (dims 3..5; needs action size >= 6). A
// rotation by angle t about u is also one by 2 pi - t about -u, and near the top-down home
// orientation (pi about an axis in the table plane) the datasets' converters switch between the
// two as the hand tilts through it: a jump of about 2 pi in one dimension, which normalised by the
// robot demos' narrow range put half the retargeted human frames of pick_place some 55 units
// outside [-1, 1]. The policy sees the form whose quaternion faces home, as for the proprio
// (q . q_home >= 0, q_home = (0, 1, 0, 0), i.e. sin(t / 2) r_x >= 0); its angle may exceed pi,
// which the Env accepts. Rows already in that form are left bit for bit.
template <typename T>
void CanonicalizeActionAxisAngle(T* action) {
  const double angle = std::sqrt(static_cast<double>(action[3]) * action[3] +
                                 static_cast<double>(action[4]) * action[4] +
                                 static_cast<double>(action[5]) * action[5]);
  if (angle < 1e-12 || std::sin(angle / 2) * action[3] >= 0) return;
  const double scale = -(2 * M_PI - angle) / angle;
  for (int i = 3; i < 6; ++i) action[i] = static_cast<T>(action[i] * scale);
}

// Area-resamples an H x W x 3 image (row-major, interleaved) to S x S x 3 channel-first
// (3 x S x S): each output pixel is the mean of the input area it covers, so downsampling does
// not alias. out must hold 3 * S * S bytes.
void ResampleToChannelFirst(const uint8_t* image, int height, int width, int size, uint8_t* out);

}  // namespace immimic::agents
