// FlushDenormalsScope (core/denormals.hpp) on the CPUs where it switches a
// mode: x86-64 (MXCSR) and AArch64 (FPCR.FZ). The operands are volatile, so
// the compiler cannot fold the arithmetic and each product runs on the CPU
// in the mode of its scope.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "scratchnet/core/denormals.hpp"

#if defined(SCRATCHNET_HAS_MXCSR) || defined(SCRATCHNET_HAS_FPCR)

TEST_CASE("FlushDenormalsScope flushes denormal results and inputs to zero, then restores",
          "[denormals]") {
  volatile float smallest_normal = std::numeric_limits<float>::min();  // 2^-126
  volatile float half = 0.5f;
  volatile float two_to_the_24 = 16777216.0f;
  volatile float denormal = smallest_normal * half;  // 2^-127, made outside any scope
  REQUIRE(denormal > 0.0f);

  volatile float result_inside = 1.0f;
  volatile float from_input_inside = 1.0f;
  {
    const scratchnet::FlushDenormalsScope flush;
    result_inside = smallest_normal * half;        // a denormal result
    from_input_inside = denormal * two_to_the_24;  // a denormal input, normal result 2^-103
  }
  CHECK(result_inside == 0.0f);
  CHECK(from_input_inside == 0.0f);

  volatile float result_after = smallest_normal * half;
  volatile float from_input_after = denormal * two_to_the_24;
  CHECK(result_after == denormal);
  CHECK(from_input_after == std::ldexp(1.0f, -103));
}

#endif
