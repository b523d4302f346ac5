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
endif()

# The speed settings always (the allocation test relies on them); the CPU the
# code is for: a fixed one for the warnings check (scripts/compile-check.sh),
# else this machine's with SCRATCHNET_NATIVE.
scratchnet_speed_settings(scratchnet_program_settings)
if(SCRATCHNET_MARCH)
  scratchnet_arch_settings(scratchnet_program_settings ${SCRATCHNET_MARCH})
elseif(SCRATCHNET_NATIVE)
  scratchnet_arch_settings(scratchnet_program_settings native)
endif()

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
