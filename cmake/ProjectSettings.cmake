# Settings for the project's own programs (tests, examples, benchmarks). They are
# collected on scratchnet_program_settings and never put on scratchnet::scratchnet,
# so users of the library keep their own flags.
add_library(scratchnet_program_settings INTERFACE)
target_link_libraries(scratchnet_program_settings INTERFACE scratchnet::scratchnet)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(scratchnet_program_settings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion)
  if(SCRATCHNET_WARNINGS_AS_ERRORS)
    target_compile_options(scratchnet_program_settings INTERFACE -Werror)
  endif()
  if(SCRATCHNET_NATIVE)
    # Eigen picks AVX2/AVX-512 kernels only when the compiler may use them:
    # measured 3.5-4.5x faster training on this machine.
    target_compile_options(scratchnet_program_settings INTERFACE -march=native)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # With -march=native on AMD Zen, g++ 12 tunes for znver3 and then folds
      # the loads of Eigen's GEMM micro-kernel into its multiply-adds: 12 loads
      # instead of 3 per step, so the kernel waits on loads (45-50 GFLOP/s at
      # the W4 shapes). Generic tuning keeps them in registers (70-85 GFLOP/s,
      # clang's figure): W1 -27%, W4 -31% per epoch (docs/performance.md).
      target_compile_options(scratchnet_program_settings INTERFACE -mtune=generic)
    endif()
  endif()
endif()

# Eigen takes the packing buffers of a matrix product from the stack up to
# this size and from the heap above it; the W1 shapes (100 x 784 by 784 x 100)
# need 313 KB. With 1 MiB, a training step allocates nothing at all.
target_compile_definitions(scratchnet_program_settings INTERFACE EIGEN_STACK_ALLOCATION_LIMIT=1048576)

if(SCRATCHNET_OPENMP)
  find_package(OpenMP)
endif()

# The emulator a cross build runs its programs with (the toolchain file's
# CMAKE_CROSSCOMPILING_EMULATOR), comma separated for the ctest scripts that
# start programs themselves (add_test puts it before a target on its own);
# empty in a native build.
string(JOIN "," SCRATCHNET_EMULATOR ${CMAKE_CROSSCOMPILING_EMULATOR})

# Builds one program of the project: scratchnet_program(name source...)
function(scratchnet_program name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE scratchnet_program_settings)
endfunction()

# Lets Eigen run products on OpenMP threads in a program with a --threads
# flag. Eigen then defaults to every core, so such programs call
# Eigen::setNbThreads themselves; tests stay single-threaded.
function(scratchnet_use_openmp name)
  if(SCRATCHNET_OPENMP AND OpenMP_CXX_FOUND)
    target_link_libraries(${name} PRIVATE OpenMP::OpenMP_CXX)
  endif()
endfunction()
