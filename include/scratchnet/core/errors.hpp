// Exceptions of the library. Bad arguments and options throw
// std::invalid_argument; the types here are for what comes from outside.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>

namespace scratchnet {

// A data file (IDX, CSV) that cannot be read or is malformed; the message
// names the file and the fault.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A model or checkpoint file that is truncated, corrupted or of another
// version or scalar type.
class ModelFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Training produced a NaN or infinite loss.
class TrainingDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// A number in an option's message, in 6 significant digits: 1e+308, not the
// 309 digits of std::to_string.
inline std::string option_value(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// A number as text that reads back to the same double: the shorter of %.15g
// and %.17g (run settings, layer strings).
inline std::string exact_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", x);
  if (std::strtod(text, nullptr) != x) std::snprintf(text, sizeof text, "%.17g", x);
  return text;
}
}  // namespace detail

// Throws std::invalid_argument("<what>: <why>") unless ok. The strings are
// built before the call, so code that runs once per batch tests its condition
// first and calls fail() only when it is false: training allocates nothing.
[[noreturn]] inline void fail(const std::string& what, const std::string& why) {
  throw std::invalid_argument(what + ": " + why);
}
inline void require(bool ok, const std::string& what, const std::string& why) {
  if (!ok) fail(what, why);
}

}  // namespace scratchnet
