// The two CRC-16s against their catalogue check values (the CRC of "123456789").
#include "sim2real/crc.h"

#include <gtest/gtest.h>

namespace immimic::sim2real {
namespace {

const uint8_t kCheck[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};

TEST(Crc16, ModbusCheckValue) { EXPECT_EQ(Crc16Modbus(kCheck, 9), 0x4B37); }
TEST(Crc16, DynamixelIsBuypassWithItsCheckValue) { EXPECT_EQ(Crc16Dynamixel(kCheck, 9), 0xFEE8); }
TEST(Crc16, EmptyInputIsTheInitialValue) {
  EXPECT_EQ(Crc16Modbus(kCheck, 0), 0xFFFF);
  EXPECT_EQ(Crc16Dynamixel(kCheck, 0), 0x0000);
}

}  // namespace
}  // namespace immimic::sim2real
