#pragma once
// Retargeting human hand keypoints to one end-effector (docs/paper.md, step 3).
//
// Per frame, over the hand values q (action units, within [low, high] of each dimension):
//   min_q  r(q)^T r(q) + beta ||u(q) - u_prev||^2,   u = (q - low) / (high - low)
// where r stacks sqrt(w_i) (alpha p_i - f_i(q)) for the keypoint objective, or the aperture error
// for grippers (retarget_config.h); p_i are human keypoints in the human TCP frame (wrist pose *
// mount), f_i the end-effector's sites in its TCP frame (hand_kinematics.h). Solved by a
// projected Levenberg-Marquardt method: analytic Jacobian (hand_kinematics.h), dimensions at a
// bound with the gradient pushing outwards held fixed, steps clipped to the box, warm-started from
// the previous frame. Outputs never leave the box.
//
// Sequences (RetargetSequence):
//  - the TCP pose of every frame is wrist pose * mount; the action is [TCP position, TCP
//    axis-angle, hand], obs/eef_pose is [TCP position, TCP quaternion wxyz, hand];
//  - frames where the hand was not detected (hand_detected 0 or non-finite keypoints or wrist
//    pose) are filled after solving: linear interpolation of the hand values and TCP position,
//    slerp of the orientation, between the nearest detected frames; frames before the first or
//    after the last detected frame hold that frame. A demo with no detected frame is an error;
//  - then the low-pass filters (config.filter on the hand, config.pose_filter on the pose) run
//    forward over all frames, starting at frame 0's value.
// Deterministic: same input, same output, bit for bit.

#include <memory>
#include <vector>

#include <Eigen/Core>

#include "envs/embodiment_spec.h"
#include "mapping/hand_kinematics.h"
#include "mapping/retarget_config.h"

namespace immimic::mapping {

inline constexpr int kHumanKeypoints = 21;

struct FrameSolution {
  Eigen::VectorXd hand;   // action units
  double residual = 0.0;  // metres: RMS keypoint error, or the aperture error
  int limit_hits = 0;     // dimensions that ended on a bound
  int iterations = 0;
};

class FrameRetargeter {
 public:
  // Throws core::ConfigError if config and spec disagree (embodiment name, unknown sites).
  FrameRetargeter(const envs::EmbodimentSpec& spec, const RetargetConfig& config);

  const envs::EmbodimentSpec& spec() const { return spec_; }
  const RetargetConfig& config() const { return config_; }
  HandKinematics& kinematics() { return kinematics_; }

  // `human_tcp`: 3 x 21 human keypoints in the human TCP frame (metres). `previous`: the last
  // frame's solution (warm start and smoothness term), or nullptr for a first frame (starts at
  // the open hand, no smoothness term). Throws core::InputError on non-finite keypoints.
  FrameSolution Solve(const Eigen::Matrix3Xd& human_tcp, const Eigen::VectorXd* previous);

 private:
  // residual of normalised hand values u (in [0, 1]) and, unless null, its Jacobian d r / d u
  void Residual(const Eigen::VectorXd& u, const Eigen::Matrix3Xd& human_tcp, Eigen::VectorXd* r,
                Eigen::MatrixXd* jacobian);
  double Cost(const Eigen::VectorXd& r, const Eigen::VectorXd& u,
              const Eigen::VectorXd* u_prev) const;

  envs::EmbodimentSpec spec_;
  RetargetConfig config_;
  HandKinematics kinematics_;
  Eigen::VectorXd low_, range_;
  // scratch, so that solving a frame allocates little
  Eigen::VectorXd q_;
  Eigen::Matrix3Xd points_;
  Eigen::MatrixXd point_jacobian_;
};

// One human demo as read from a dataset.
struct HumanFrames {
  Eigen::MatrixXd keypoints;   // T x 63: 21 keypoints x (x, y, z), world frame
  Eigen::MatrixXd wrist_pose;  // T x 7: position, quaternion wxyz, world frame
  std::vector<bool> detected;  // T; empty: every frame with finite values counts as detected
};

struct RetargetQuality {
  int frames = 0;
  int detected_frames = 0;        // solved; the others were interpolated or held
  double residual_mm_mean = 0.0;  // of the per-frame solutions, over detected frames
  double residual_mm_max = 0.0;
  double limit_hit_fraction = 0.0;  // share of solved (frame, dimension) values on a bound
  // RMS second difference of the output hand values, normalised by range, per frame^2
  double jitter = 0.0;
  double mean_iterations = 0.0;
};

struct RetargetedDemo {
  Eigen::MatrixXd actions;   // T x (6 + hand)
  Eigen::MatrixXd eef_pose;  // T x (7 + hand)
  RetargetQuality quality;
};

// Throws core::InputError for mismatched sizes, no frames, no detected frame, or a frame flagged
// detected whose values are not finite.
RetargetedDemo RetargetSequence(FrameRetargeter& retargeter, const HumanFrames& frames);

// The human TCP frame's keypoints (3 x 21) for one frame: R^T (p_i - t) with (R, t) = wrist *
// mount.
Eigen::Matrix3Xd KeypointsInTcpFrame(const Eigen::Ref<const Eigen::RowVectorXd>& keypoints,
                                     const Eigen::Ref<const Eigen::RowVectorXd>& wrist_pose,
                                     const RetargetConfig& config);

}  // namespace immimic::mapping
