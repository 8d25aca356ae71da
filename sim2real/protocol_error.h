#pragma once
// What a device driver throws for bytes that break its protocol (bad checksum, short or
// malformed frame, an exception reply): the message names the device and what was wrong.
#include <string>

#include "core/error.h"

namespace immimic::sim2real {

class ProtocolError : public core::Error {
 public:
  explicit ProtocolError(const std::string& what) : core::Error(what) {}
};

}  // namespace immimic::sim2real
