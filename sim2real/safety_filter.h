#pragma once
// The last step before a command reaches hardware (docs/sim2real.md "Safety filter"). Each
// control step the policy's action [TCP position 3, axis-angle 3, hand dims] is checked against
// the measured state: non-finite values stop the robot; the TCP target is clamped to the
// workspace box, to a maximum distance from the measured TCP and to a maximum speed from the
// previous command; the orientation to a maximum angle from the measured one; hand values to
// their limits and a maximum rate. Every clamp is reported with its reason.

#include <Eigen/Core>
#include <Eigen/Geometry>
#include <string>
#include <vector>

namespace immimic::sim2real {

struct SafetyLimits {
  Eigen::Vector3d workspace_low{0, 0, 0}, workspace_high{0, 0, 0};  // m, world frame
  double max_tcp_speed = 0.0;           // m/s between successive commands
  double max_tcp_step = 0.0;            // m from the measured TCP, per command
  double max_rotation_step = 0.0;       // rad from the measured orientation, per command
  Eigen::VectorXd hand_low, hand_high;  // per hand dimension (the embodiment's limits)
  double max_hand_rate = 0.0;           // fraction of a dimension's range per second
};

struct MeasuredState {
  Eigen::Vector3d tcp_position = Eigen::Vector3d::Zero();
  Eigen::Quaterniond tcp_orientation = Eigen::Quaterniond::Identity();
  Eigen::VectorXd hand;
};

struct FilteredCommand {
  Eigen::VectorXd command;          // what may be sent (the hold command when stopping)
  std::vector<std::string> clamps;  // one line per limit that changed the command
  std::string stop_reason;          // non-empty: do not send anything else, stop
};

class SafetyFilter {
 public:
  // Throws core::InputError for limits that are not positive or a box that is empty.
  SafetyFilter(const SafetyLimits& limits, double control_hz);

  // Starts from the measured state: the first command's speed is measured from there.
  void Reset(const MeasuredState& measured);
  FilteredCommand Apply(const Eigen::VectorXd& raw, const MeasuredState& measured);
  // The command that keeps the measured pose and the last commanded hand.
  Eigen::VectorXd HoldCommand(const MeasuredState& measured) const;

 private:
  Eigen::Vector3d FilterPosition(Eigen::Vector3d target, const MeasuredState& measured,
                                 std::vector<std::string>* clamps) const;
  Eigen::Vector3d FilterOrientation(const Eigen::Vector3d& axis_angle,
                                    const MeasuredState& measured,
                                    std::vector<std::string>* clamps) const;
  void FilterHand(Eigen::Ref<Eigen::VectorXd> hand, std::vector<std::string>* clamps) const;

  SafetyLimits limits_;
  double period_;
  Eigen::Vector3d previous_position_ = Eigen::Vector3d::Zero();
  Eigen::VectorXd previous_hand_;
};

}  // namespace immimic::sim2real
