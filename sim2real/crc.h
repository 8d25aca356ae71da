#pragma once
// The checksums of the device protocols (docs/sim2real.md): Modbus RTU's CRC-16 (Robotiq 2F-85)
// and Dynamixel Protocol 2.0's CRC-16 (the Fin Ray's servo).
#include <cstddef>
#include <cstdint>

namespace immimic::sim2real {

// CRC-16/MODBUS: reflected polynomial 0xA001, initial 0xFFFF; sent low byte first.
uint16_t Crc16Modbus(const uint8_t* data, size_t size);

// Dynamixel Protocol 2.0's CRC-16: polynomial 0x8005, initial 0, not reflected (CRC-16/BUYPASS);
// sent low byte first.
uint16_t Crc16Dynamixel(const uint8_t* data, size_t size);

}  // namespace immimic::sim2real
