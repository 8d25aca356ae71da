// Every device parser of sim2real/ on arbitrary bytes (CAN frames as [id low, id high, flags,
// size, 8 data bytes]; camera frames as [width, height, row padding, YUYV bytes]): the first
// byte picks the parser. Bad bytes
// must end in ProtocolError, never in a crash or another exception.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "sim2real/ability_protocol.h"
#include "sim2real/allegro_protocol.h"
#include "sim2real/arm_protocol.h"
#include "sim2real/dynamixel_protocol.h"
#include "sim2real/protocol_error.h"
#include "sim2real/robotiq_protocol.h"
#include "sim2real/yuyv_image.h"

using namespace immimic::sim2real;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t* bytes = data + 1;
  const size_t n = size - 1;
  try {
    switch (data[0] % 11) {
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
      case 8:
      case 9: {
        if (n < 12) break;
        CanFrame frame;  // [id low, id high, flags, size, 8 data bytes]
        frame.id = static_cast<uint32_t>(bytes[0] | (bytes[1] & 0x07) << 8);
        frame.remote = bytes[2] & 1;
        frame.size = bytes[3];
        std::copy(bytes + 4, bytes + 12, frame.data.begin());
        if (data[0] % 10 == 8) {
          DecodeAllegroPositions(frame, bytes[2] >> 1 & 3);
        } else {
          DecodeAllegroRequest(frame);
        }
        break;
      }
      case 10: {
        if (n < 3) break;  // [width, height, row padding], then a YUYV frame
        const int width = bytes[0], height = bytes[1];
        const auto rgb = YuyvToRgb(bytes + 3, n - 3, width, height, 2 * width + bytes[2]);
        CropResize(rgb, 1 + bytes[2] % 16, 1 + bytes[2] / 16);
        break;
      }
      default: {
        PppDeframer deframer;
        for (size_t i = 0; i < n; ++i) {
          if (auto frame = deframer.Feed(bytes[i])) {
            try {
              DecodeAbilityReply(*frame);  // the hand's side
            } catch (const ProtocolError&) {
            }
            AbilityValues(DecodeAbilityFrame(*frame));  // the host's side
          }
        }
        break;
      }
    }
  } catch (const ProtocolError&) {
  }
  return 0;
}
