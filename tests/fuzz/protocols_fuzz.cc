// Every device parser of sim2real/ on arbitrary bytes: the first byte picks the parser. Bad bytes
// must end in ProtocolError, never in a crash or another exception.
#include <cstddef>
#include <cstdint>

#include "sim2real/ability_protocol.h"
#include "sim2real/arm_protocol.h"
#include "sim2real/dynamixel_protocol.h"
#include "sim2real/protocol_error.h"
#include "sim2real/robotiq_protocol.h"

using namespace immimic::sim2real;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t* bytes = data + 1;
  const size_t n = size - 1;
  try {
    switch (data[0] % 8) {
      case 0:
        DecodeRobotiqStatusReply(bytes, n);
        break;
      case 1:
        CheckRobotiqCommandReply(bytes, n);
        break;
      case 2:
        DecodeRobotiqCommandRequest(bytes, n);
        break;
      case 3:
        DecodeArmCommand(bytes, n);
        break;
      case 4:
        DecodeArmState(bytes, n);
        break;
      case 5: {
        DynamixelStreamParser parser;
        parser.Feed(bytes, n);
        while (parser.Next()) {
        }
        break;
      }
      case 6:
        DecodeDynamixelPacket(bytes, n);
        break;
      default: {
        PppDeframer deframer;
        for (size_t i = 0; i < n; ++i) {
          if (auto frame = deframer.Feed(bytes[i])) AbilityValues(DecodeAbilityFrame(*frame));
        }
        break;
      }
    }
  } catch (const ProtocolError&) {
  }
  return 0;
}
