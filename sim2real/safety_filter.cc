#include "sim2real/safety_filter.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/error.h"
#include "core/rotation.h"

namespace immimic::sim2real {
namespace {

std::string Describe(const char* what, double from, double to) {
  std::ostringstream line;
  line << what << " (" << from << " -> " << to << ")";
  return line.str();
}

// Moves `target` onto the ball of `radius` around `centre` if it lies outside.
bool ClampToBall(const Eigen::Vector3d& centre, double radius, Eigen::Vector3d* target,
                 double* distance) {
  *distance = (*target - centre).norm();
  if (*distance <= radius) return false;
  *target = centre + (*target - centre) * (radius / *distance);
  return true;
}

}  // namespace

SafetyFilter::SafetyFilter(const SafetyLimits& limits, double control_hz)
    : limits_(limits), period_(1.0 / control_hz) {
  IMMIMIC_THROW_UNLESS(control_hz > 0 && limits.max_tcp_speed > 0 && limits.max_tcp_step > 0 &&
                           limits.max_rotation_step > 0 && limits.max_hand_rate > 0,
                       core::InputError, "safety limits must be positive");
  IMMIMIC_THROW_UNLESS((limits.workspace_low.array() < limits.workspace_high.array()).all(),
                       core::InputError, "safety workspace box is empty");
  IMMIMIC_THROW_UNLESS(limits.hand_low.size() == limits.hand_high.size() &&
                           (limits.hand_low.array() < limits.hand_high.array()).all(),
                       core::InputError, "safety hand limits need low < high per dimension");
}

void SafetyFilter::Reset(const MeasuredState& measured) {
  previous_position_ = measured.tcp_position;
  previous_hand_ = measured.hand;
}

Eigen::Vector3d SafetyFilter::FilterPosition(Eigen::Vector3d target, const MeasuredState& measured,
                                             std::vector<std::string>* clamps) const {
  const Eigen::Vector3d boxed =
      target.cwiseMax(limits_.workspace_low).cwiseMin(limits_.workspace_high);
  for (int i = 0; i < 3; ++i) {
    if (boxed[i] != target[i])
      clamps->push_back(Describe("workspace box, axis", target[i], boxed[i]));
  }
  target = boxed;
  double distance = 0;
  if (ClampToBall(measured.tcp_position, limits_.max_tcp_step, &target, &distance)) {
    clamps->push_back(Describe("step from the measured TCP (m)", distance, limits_.max_tcp_step));
  }
  if (ClampToBall(previous_position_, limits_.max_tcp_speed * period_, &target, &distance)) {
    clamps->push_back(Describe("TCP speed (m/s)", distance / period_, limits_.max_tcp_speed));
  }
  return target.cwiseMax(limits_.workspace_low).cwiseMin(limits_.workspace_high);
}

Eigen::Vector3d SafetyFilter::FilterOrientation(const Eigen::Vector3d& axis_angle,
                                                const MeasuredState& measured,
                                                std::vector<std::string>* clamps) const {
  const Eigen::Quaterniond target(Eigen::AngleAxisd(core::MatrixFromAxisAngle(axis_angle)));
  const double angle = measured.tcp_orientation.angularDistance(target);
  if (angle <= limits_.max_rotation_step) return axis_angle;
  clamps->push_back(
      Describe("rotation from the measured TCP (rad)", angle, limits_.max_rotation_step));
  const Eigen::Quaterniond limited =
      measured.tcp_orientation.slerp(limits_.max_rotation_step / angle, target);
  return core::AxisAngleFromQuat(limited);
}

void SafetyFilter::FilterHand(Eigen::Ref<Eigen::VectorXd> hand,
                              std::vector<std::string>* clamps) const {
  for (int i = 0; i < hand.size(); ++i) {
    const double limited = std::clamp(hand[i], limits_.hand_low[i], limits_.hand_high[i]);
    if (limited != hand[i]) clamps->push_back(Describe("hand limit", hand[i], limited));
    const double max_change =
        limits_.max_hand_rate * (limits_.hand_high[i] - limits_.hand_low[i]) * period_;
    const double previous = previous_hand_.size() == hand.size() ? previous_hand_[i] : limited;
    hand[i] = std::clamp(limited, previous - max_change, previous + max_change);
    if (hand[i] != limited) clamps->push_back(Describe("hand rate", limited, hand[i]));
  }
}

FilteredCommand SafetyFilter::Apply(const Eigen::VectorXd& raw, const MeasuredState& measured) {
  FilteredCommand out;
  const int hand_dims = static_cast<int>(limits_.hand_low.size());
  if (raw.size() != 6 + hand_dims) {
    out.stop_reason = "policy action has " + std::to_string(raw.size()) + " values, expected " +
                      std::to_string(6 + hand_dims);
  }
  for (int i = 0; out.stop_reason.empty() && i < raw.size(); ++i) {
    if (!std::isfinite(raw[i]))
      out.stop_reason = "non-finite policy action[" + std::to_string(i) + "]";
  }
  if (!out.stop_reason.empty()) {
    out.command = HoldCommand(measured);
    return out;
  }
  out.command = raw;
  out.command.head<3>() = FilterPosition(raw.head<3>(), measured, &out.clamps);
  out.command.segment<3>(3) = FilterOrientation(raw.segment<3>(3), measured, &out.clamps);
  FilterHand(out.command.tail(hand_dims), &out.clamps);
  previous_position_ = out.command.head<3>();
  previous_hand_ = out.command.tail(hand_dims);
  return out;
}

Eigen::VectorXd SafetyFilter::HoldCommand(const MeasuredState& measured) const {
  const int hand_dims = static_cast<int>(limits_.hand_low.size());
  Eigen::VectorXd hold(6 + hand_dims);
  hold.head<3>() = measured.tcp_position;
  hold.segment<3>(3) = core::AxisAngleFromQuat(measured.tcp_orientation);
  hold.tail(hand_dims) = previous_hand_.size() == hand_dims ? previous_hand_ : measured.hand;
  return hold;
}

}  // namespace immimic::sim2real
