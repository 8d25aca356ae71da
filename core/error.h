#pragma once
// Exceptions for bad input and failed invariants. Every message names what was wrong
// (file, key, value) so a user can fix it without reading the code.

#include <sstream>
#include <stdexcept>
#include <string>

namespace immimic::core {

// Base class: anything the project throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A config file or key is missing, unknown or malformed.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A caller passed a bad value (action with NaN, wrong size, unknown name).
class InputError : public Error {
 public:
  using Error::Error;
};

// MuJoCo reported a fatal error (model compile, runtime).
class SimulationError : public Error {
 public:
  using Error::Error;
};

namespace internal {
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace internal

}  // namespace immimic::core

// Throws ErrorType with the streamed message unless cond holds. Always on.
#define IMMIMIC_THROW_UNLESS(cond, ErrorType, ...)                     \
  do {                                                                 \
    if (!(cond)) {                                                     \
      throw ErrorType(::immimic::core::internal::Concat(__VA_ARGS__)); \
    }                                                                  \
  } while (false)
