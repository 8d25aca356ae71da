#pragma once
// The arm link's messages (docs/sim2real.md "Arm link"): the bridge streams TCP pose targets to
// an arm controller process and reads its state back, one request and one reply per control
// step. Fixed-size binary, little-endian, IEEE-754 doubles:
//
//   command (68 bytes): "IMAC", u16 version = 1, u16 kind (1 pose target, 2 hold), u32 sequence,
//                       f64 position[3] (m, robot base frame), f64 quaternion[4] (w, x, y, z)
//   state  (132 bytes): "IMAS", u16 version = 1, u16 flags (bit 0 fault, bit 1 e-stop),
//                       u32 sequence (the command's), f64 stamp (s, controller clock),
//                       f64 position[3], f64 quaternion[4], f64 joints[7] (rad)
//
// A hold command keeps the arm where it is (its pose fields are ignored).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace immimic::sim2real {

constexpr uint16_t kArmProtocolVersion = 1;
constexpr size_t kArmCommandSize = 68;
constexpr size_t kArmStateSize = 132;

enum class ArmCommandKind : uint16_t { kPoseTarget = 1, kHold = 2 };

struct ArmCommand {
  ArmCommandKind kind = ArmCommandKind::kHold;
  uint32_t sequence = 0;
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  Eigen::Vector4d quaternion_wxyz{1, 0, 0, 0};
};

struct ArmState {
  bool fault = false, estop = false;
  uint32_t sequence = 0;
  double stamp = 0.0;
  Eigen::Vector3d position = Eigen::Vector3d::Zero();
  Eigen::Vector4d quaternion_wxyz{1, 0, 0, 0};
  std::array<double, 7> joints{};
};

std::vector<uint8_t> EncodeArmCommand(const ArmCommand& command);
std::vector<uint8_t> EncodeArmState(const ArmState& state);
// Throw ProtocolError naming the problem: wrong size, magic, version or kind, a non-finite
// number, or a quaternion that is not unit length.
ArmCommand DecodeArmCommand(const uint8_t* bytes, size_t size);
ArmState DecodeArmState(const uint8_t* bytes, size_t size);

}  // namespace immimic::sim2real
