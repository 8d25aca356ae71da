#include "sim2real/dynamixel_protocol.h"

#include <algorithm>

#include "sim2real/crc.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

constexpr uint8_t kHeader[4] = {0xFF, 0xFF, 0xFD, 0x00};
constexpr size_t kLengthLimit = 1024;  // longer than any control-table transfer

std::vector<uint8_t> Stuff(const std::vector<uint8_t>& body) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < body.size(); ++i) {
    out.push_back(body[i]);
    if (i >= 2 && body[i - 2] == 0xFF && body[i - 1] == 0xFF && body[i] == 0xFD) {
      out.push_back(0xFD);
    }
  }
  return out;
}

std::vector<uint8_t> Unstuff(const uint8_t* body, size_t size) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < size; ++i) {
    out.push_back(body[i]);
    if (i >= 2 && body[i - 2] == 0xFF && body[i - 1] == 0xFF && body[i] == 0xFD) {
      if (i + 1 >= size || body[i + 1] != 0xFD) {
        throw ProtocolError("dynamixel: FF FF FD inside a packet without its stuffing byte");
      }
      ++i;  // the stuffing byte
    }
  }
  return out;
}

std::vector<uint8_t> Packet(uint8_t id, const std::vector<uint8_t>& body) {
  const std::vector<uint8_t> stuffed = Stuff(body);
  std::vector<uint8_t> packet(kHeader, kHeader + 4);
  const size_t length = stuffed.size() + 2;
  packet.push_back(id);
  packet.push_back(static_cast<uint8_t>(length & 0xFF));
  packet.push_back(static_cast<uint8_t>(length >> 8));
  packet.insert(packet.end(), stuffed.begin(), stuffed.end());
  const uint16_t crc = Crc16Dynamixel(packet.data(), packet.size());
  packet.push_back(static_cast<uint8_t>(crc & 0xFF));
  packet.push_back(static_cast<uint8_t>(crc >> 8));
  return packet;
}

void AppendLe16(std::vector<uint8_t>* out, uint16_t value) {
  out->push_back(static_cast<uint8_t>(value & 0xFF));
  out->push_back(static_cast<uint8_t>(value >> 8));
}

}  // namespace

std::vector<uint8_t> EncodeDynamixelInstruction(uint8_t id, uint8_t instruction,
                                                const std::vector<uint8_t>& params) {
  std::vector<uint8_t> body = {instruction};
  body.insert(body.end(), params.begin(), params.end());
  return Packet(id, body);
}

std::vector<uint8_t> EncodeDynamixelWrite(uint8_t id, uint16_t address,
                                          const std::vector<uint8_t>& data) {
  std::vector<uint8_t> params;
  AppendLe16(&params, address);
  params.insert(params.end(), data.begin(), data.end());
  return EncodeDynamixelInstruction(id, dynamixel::kWrite, params);
}

std::vector<uint8_t> EncodeDynamixelRead(uint8_t id, uint16_t address, uint16_t length) {
  std::vector<uint8_t> params;
  AppendLe16(&params, address);
  AppendLe16(&params, length);
  return EncodeDynamixelInstruction(id, dynamixel::kRead, params);
}

std::vector<uint8_t> EncodeDynamixelStatus(uint8_t id, uint8_t error,
                                           const std::vector<uint8_t>& params) {
  std::vector<uint8_t> body = {dynamixel::kStatus, error};
  body.insert(body.end(), params.begin(), params.end());
  return Packet(id, body);
}

DynamixelPacket DecodeDynamixelPacket(const uint8_t* bytes, size_t size) {
  if (bytes == nullptr || size < 10) {
    throw ProtocolError("dynamixel: " + std::to_string(size) + " bytes, a packet needs 10 or more");
  }
  if (!std::equal(kHeader, kHeader + 4, bytes)) throw ProtocolError("dynamixel: bad header");
  const size_t length = bytes[5] | bytes[6] << 8;
  if (length < 3 || length + 7 != size) {
    throw ProtocolError("dynamixel: length field " + std::to_string(length) + " does not fit " +
                        std::to_string(size) + " bytes");
  }
  if (Crc16Dynamixel(bytes, size - 2) != (bytes[size - 2] | bytes[size - 1] << 8)) {
    throw ProtocolError("dynamixel: bad CRC");
  }
  const std::vector<uint8_t> body = Unstuff(bytes + 7, length - 2);
  DynamixelPacket packet;
  packet.id = bytes[4];
  packet.instruction = body[0];
  size_t first = 1;
  if (packet.instruction == dynamixel::kStatus) {
    if (body.size() < 2) throw ProtocolError("dynamixel: status packet without an error byte");
    packet.error = body[1];
    first = 2;
  }
  packet.params.assign(body.begin() + static_cast<long>(first), body.end());
  return packet;
}

void DynamixelStreamParser::Feed(const uint8_t* bytes, size_t size) {
  buffer_.insert(buffer_.end(), bytes, bytes + size);
}

std::optional<DynamixelPacket> DynamixelStreamParser::Next() {
  for (;;) {
    auto header = std::search(buffer_.begin(), buffer_.end(), kHeader, kHeader + 4);
    if (header == buffer_.end()) {  // keep what may be the start of a header still arriving
      header = buffer_.size() > 3 ? buffer_.end() - 3 : buffer_.begin();
    }
    buffer_.erase(buffer_.begin(), header);  // noise before a header
    if (buffer_.size() < 7) return std::nullopt;
    const size_t length = buffer_[5] | buffer_[6] << 8;
    if (length < 3 || length > kLengthLimit) {  // not a packet: resynchronise after this header
      ++dropped_;
      buffer_.erase(buffer_.begin());
      continue;
    }
    if (buffer_.size() < length + 7) return std::nullopt;
    try {
      DynamixelPacket packet = DecodeDynamixelPacket(buffer_.data(), length + 7);
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(length + 7));
      return packet;
    } catch (const ProtocolError&) {
      ++dropped_;
      buffer_.erase(buffer_.begin());
    }
  }
}

const char* DynamixelErrorText(uint8_t error) {
  switch (error & 0x7F) {
    case 0:
      return "no error";
    case 1:
      return "result fail";
    case 2:
      return "instruction error";
    case 3:
      return "CRC error";
    case 4:
      return "data range error";
    case 5:
      return "data length error";
    case 6:
      return "data limit error";
    case 7:
      return "access error";
    default:
      return "unknown error";
  }
}

}  // namespace immimic::sim2real
