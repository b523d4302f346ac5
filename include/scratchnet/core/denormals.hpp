// Flush-to-zero and denormals-are-zero for the current thread, while a scope
// lasts. Adam's v decays towards tiny values that become denormal floats, and
// arithmetic on denormals is many times slower (measured: 38% of a W2 epoch).
// Results differ only in values below 1e-38.
//
// x86-64 has the two modes as two bits of MXCSR; AArch64 has one bit of FPCR,
// FZ, that flushes both the inputs and the results of float and double
// arithmetic (Arm ARM, "Flushing denormalized numbers to zero"), so training
// rounds the same way on both. On any other CPU the scope does nothing.
#pragma once

#include <cstdint>

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define SCRATCHNET_HAS_MXCSR 1
#elif defined(__aarch64__)
#define SCRATCHNET_HAS_FPCR 1
#endif

namespace scratchnet {

class FlushDenormalsScope {
 public:
#if defined(SCRATCHNET_HAS_MXCSR)
  FlushDenormalsScope() : saved_(_mm_getcsr()) {
    _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
  }
  ~FlushDenormalsScope() {
    _mm_setcsr(saved_);
  }
#elif defined(SCRATCHNET_HAS_FPCR)
  FlushDenormalsScope() : saved_(fpcr()) {
    set_fpcr(saved_ | kFlushToZero);
  }
  ~FlushDenormalsScope() {
    set_fpcr(saved_);
  }
#else
  // User-provided, so that a scope that does nothing here is still a used
  // variable where it is declared.
  FlushDenormalsScope() {}
#endif
  FlushDenormalsScope(const FlushDenormalsScope&) = delete;
  FlushDenormalsScope& operator=(const FlushDenormalsScope&) = delete;

 private:
#if defined(SCRATCHNET_HAS_MXCSR)
  static constexpr unsigned kFlushToZero = 0x8000;
  static constexpr unsigned kDenormalsAreZero = 0x0040;
  unsigned saved_;
#elif defined(SCRATCHNET_HAS_FPCR)
  static constexpr std::uint64_t kFlushToZero = std::uint64_t{1} << 24;  // FPCR.FZ
  // "memory": no load or store of a float moves across the switch.
  static std::uint64_t fpcr() {
    std::uint64_t value;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(value) : : "memory");
    return value;
  }
  static void set_fpcr(std::uint64_t value) {
    __asm__ __volatile__("msr fpcr, %0" : : "r"(value) : "memory");
  }
  std::uint64_t saved_;
#endif
};

}  // namespace scratchnet
