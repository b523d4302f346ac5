// The message of the exception a piece of code throws, for tests that check
// what an error says: the test fails when the code throws another type or
// nothing.
#pragma once

#include <catch2/catch.hpp>
#include <exception>
#include <stdexcept>
#include <string>

#include "scratchnet/core/errors.hpp"

namespace scratchnet::test {

// The what() of the Error that f throws; expected names Error in a failure.
template <typename Error, typename F>
std::string message_of(F&& f, const char* expected) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected " << expected << ", got another exception: " << e.what());
  }
  FAIL("expected " << expected << ", nothing was thrown");
  return {};
}

// The message of the DataError (a bad data file) f throws.
template <typename F>
std::string data_error(F&& f) {
  return message_of<scratchnet::DataError>(f, "DataError");
}

// The message of the std::invalid_argument (a bad option) f throws.
template <typename F>
std::string refusal(F&& f) {
  return message_of<std::invalid_argument>(f, "std::invalid_argument");
}

}  // namespace scratchnet::test
