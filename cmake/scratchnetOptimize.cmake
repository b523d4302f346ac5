# The compiler settings that make Eigen fast, in one place for the project's
# own programs (cmake/ProjectSettings.cmake) and for users, who get them from
# the opt-in target scratchnet::native (defined here and, when installed, by
# scratchnetConfig.cmake on the user's own machine and compiler).
include_guard(GLOBAL)
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)

# Eigen takes the packing buffers of a matrix product from the stack up to
# this size and from the heap above it; the W1 shapes (100 x 784 by 784 x 100)
# need 313 KB. With 1 MiB, a training step allocates nothing at all.
function(scratchnet_speed_settings target)
  target_compile_definitions(${target} INTERFACE EIGEN_STACK_ALLOCATION_LIMIT=1048576)
endfunction()

# Compiles for the CPU `arch` names (native, or a -march value such as
# x86-64-v3): Eigen picks its AVX2/AVX-512 kernels only when the compiler may
# use them, measured 3.5-4.5x faster training here.
function(scratchnet_arch_settings target arch)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    return()
  endif()
  target_compile_options(${target} INTERFACE -march=${arch})
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    return()
  endif()
  # With -march=native on AMD Zen, g++ 12 tunes for znver3 and then folds the
  # loads of Eigen's GEMM micro-kernel into its multiply-adds: 12 loads
  # instead of 3 per step, so the kernel waits on loads (45-50 GFLOP/s at the
  # W4 shapes). Generic tuning keeps them in registers (70-85 GFLOP/s,
  # clang's figure): W1 -27%, W4 -31% per epoch (docs/performance.md).
  target_compile_options(${target} INTERFACE -mtune=generic)
  if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # g++ before 13 warns "'__Y' may be used uninitialized" (optimised) or
    # "is used uninitialized" (the sanitizer build) inside its own AVX-512
    # intrinsics, which leave a lane operand undefined on purpose (GCC bug
    # 105593): every Eigen product trips it once inlined. Only where the
    # target has AVX-512 are the two warnings turned off; builds for AVX2 and
    # below keep them for our own code, and clang++ (scripts/compile-check.sh,
    # in CI) checks it for AVX-512 with -Werror.
    cmake_push_check_state(RESET)
    set(CMAKE_REQUIRED_FLAGS -march=${arch})
    set(CMAKE_REQUIRED_QUIET ON)
    string(MAKE_C_IDENTIFIER "SCRATCHNET_${arch}_HAS_AVX512" has_avx512)
    check_cxx_source_compiles("
      #ifndef __AVX512F__
      #error no AVX-512
      #endif
      int main() { return 0; }" ${has_avx512})
    cmake_pop_check_state()
    if(${has_avx512})
      target_compile_options(${target} INTERFACE -Wno-maybe-uninitialized -Wno-uninitialized)
    endif()
  endif()
endfunction()

# What scratchnet::native adds: the settings of the project's own programs,
# for the CPU that compiles.
function(scratchnet_native_settings target)
  scratchnet_speed_settings(${target})
  scratchnet_arch_settings(${target} native)
endfunction()
