#include "sim2real/arm_protocol.h"

#include <cmath>
#include <cstring>
#include <string>

#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

// Little-endian writer and reader over a byte buffer; the host is little-endian (x86-64, arm64),
// which the static_assert below pins.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the arm protocol is little-endian");

class Writer {
 public:
  explicit Writer(size_t size) { bytes_.reserve(size); }
  template <typename T>
  void Put(T value) {
    const auto* p = reinterpret_cast<const uint8_t*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void PutMagic(const char* magic) { bytes_.insert(bytes_.end(), magic, magic + 4); }
  std::vector<uint8_t> Take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

class Reader {
 public:
  Reader(const uint8_t* bytes, const char* what) : bytes_(bytes), what_(what) {}
  template <typename T>
  T Get() {
    T value;
    std::memcpy(&value, bytes_ + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  double GetFinite(const char* field) {
    const double value = Get<double>();
    if (!std::isfinite(value)) {
      throw ProtocolError(std::string(what_) + ": non-finite " + field);
    }
    return value;
  }

 private:
  const uint8_t* bytes_;
  const char* what_;
  size_t offset_ = 0;
};

void CheckHeader(const uint8_t* bytes, size_t size, size_t expected, const char* magic,
                 const char* what) {
  if (size != expected) {
    throw ProtocolError(std::string(what) + ": " + std::to_string(size) + " bytes, expected " +
                        std::to_string(expected));
  }
  if (std::memcmp(bytes, magic, 4) != 0) throw ProtocolError(std::string(what) + ": bad magic");
  uint16_t version;
  std::memcpy(&version, bytes + 4, 2);
  if (version != kArmProtocolVersion) {
    throw ProtocolError(std::string(what) + ": protocol version " + std::to_string(version) +
                        ", this build speaks " + std::to_string(kArmProtocolVersion));
  }
}

Eigen::Vector4d GetQuaternion(Reader& r, const char* what) {
  Eigen::Vector4d q;
  for (int i = 0; i < 4; ++i) q[i] = r.GetFinite("quaternion");
  if (std::abs(q.norm() - 1.0) > 1e-6) {
    throw ProtocolError(std::string(what) + ": quaternion is not unit length");
  }
  return q;
}

}  // namespace

std::vector<uint8_t> EncodeArmCommand(const ArmCommand& c) {
  Writer w(kArmCommandSize);
  w.PutMagic("IMAC");
  w.Put<uint16_t>(kArmProtocolVersion);
  w.Put<uint16_t>(static_cast<uint16_t>(c.kind));
  w.Put<uint32_t>(c.sequence);
  for (int i = 0; i < 3; ++i) w.Put<double>(c.position[i]);
  for (int i = 0; i < 4; ++i) w.Put<double>(c.quaternion_wxyz[i]);
  return w.Take();
}

std::vector<uint8_t> EncodeArmState(const ArmState& s) {
  Writer w(kArmStateSize);
  w.PutMagic("IMAS");
  w.Put<uint16_t>(kArmProtocolVersion);
  w.Put<uint16_t>(static_cast<uint16_t>((s.fault ? 1 : 0) | (s.estop ? 2 : 0)));
  w.Put<uint32_t>(s.sequence);
  w.Put<double>(s.stamp);
  for (int i = 0; i < 3; ++i) w.Put<double>(s.position[i]);
  for (int i = 0; i < 4; ++i) w.Put<double>(s.quaternion_wxyz[i]);
  for (double joint : s.joints) w.Put<double>(joint);
  return w.Take();
}

ArmCommand DecodeArmCommand(const uint8_t* bytes, size_t size) {
  constexpr char kWhat[] = "arm command";
  CheckHeader(bytes, size, kArmCommandSize, "IMAC", kWhat);
  Reader r(bytes + 6, kWhat);
  ArmCommand c;
  const uint16_t kind = r.Get<uint16_t>();
  if (kind != 1 && kind != 2)
    throw ProtocolError("arm command: unknown kind " + std::to_string(kind));
  c.kind = static_cast<ArmCommandKind>(kind);
  c.sequence = r.Get<uint32_t>();
  for (int i = 0; i < 3; ++i) c.position[i] = r.GetFinite("position");
  c.quaternion_wxyz = GetQuaternion(r, kWhat);
  return c;
}

ArmState DecodeArmState(const uint8_t* bytes, size_t size) {
  constexpr char kWhat[] = "arm state";
  CheckHeader(bytes, size, kArmStateSize, "IMAS", kWhat);
  Reader r(bytes + 6, kWhat);
  ArmState s;
  const uint16_t flags = r.Get<uint16_t>();
  if (flags > 3) throw ProtocolError("arm state: unknown flags " + std::to_string(flags));
  s.fault = flags & 1;
  s.estop = flags & 2;
  s.sequence = r.Get<uint32_t>();
  s.stamp = r.GetFinite("stamp");
  for (int i = 0; i < 3; ++i) s.position[i] = r.GetFinite("position");
  s.quaternion_wxyz = GetQuaternion(r, kWhat);
  for (double& joint : s.joints) joint = r.GetFinite("joint");
  return s;
}

}  // namespace immimic::sim2real
