# The fuzz smoke tests: each libFuzzer target of fuzz/ (fuzz_<name>.cpp) for
# 30 s, as the ctest test fuzz_<name>, through scripts/fuzz.sh. Included from
# tests/CMakeLists.txt.
#
# The targets need clang++ (the build itself may be g++), so scripts/fuzz.sh
# compiles them, one clang++ per target, from a custom target of the build
# (fuzz_build_<name>): make -j runs them beside the other compiles, and the
# tests only fuzz. They are built at -O0, in 57 s of CPU for the three
# instead of 112 s at -O1; a 30 s run then makes 40-65% fewer executions
# (per second: idx 4,100 against 6,500, model 870 against 1,950, checkpoint
# 430 against 1,180). scripts/fuzz.sh run by hand keeps -O1.
#
# The tests exist only when clang++ can build and link a program with
# -fsanitize=fuzzer,address,undefined (checked here, at configure time), zlib
# was found, the build has no sanitizers of its own (the targets bring
# theirs) and is not a cross build (the targets are the host's clang++
# programs, so they would fuzz the host's code again); SCRATCHNET_FUZZ_SMOKE=OFF
# leaves them out.
option(SCRATCHNET_FUZZ_SMOKE "Run each fuzz target for 30 s in ctest when clang++ has libFuzzer" ON)

if(SCRATCHNET_FUZZ_SMOKE AND CMAKE_CROSSCOMPILING)
  message(STATUS "fuzz smoke tests: none (cross build; the host's build runs them)")
elseif(SCRATCHNET_FUZZ_SMOKE AND ZLIB_FOUND AND NOT CMAKE_CXX_FLAGS MATCHES "sanitize")
  find_program(SCRATCHNET_FUZZ_CXX NAMES clang++ clang++-16 clang++-15 clang++-14)
  set(scratchnet_fuzz_ok FALSE)
  if(SCRATCHNET_FUZZ_CXX)
    set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe)
    file(WRITE ${probe_dir}/probe.cpp
      "#include <cstddef>\n#include <cstdint>\n"
      "extern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
    execute_process(
      COMMAND ${SCRATCHNET_FUZZ_CXX} -fsanitize=fuzzer,address,undefined probe.cpp -o probe
      WORKING_DIRECTORY ${probe_dir}
      RESULT_VARIABLE probe_result OUTPUT_QUIET ERROR_QUIET)
    if(probe_result EQUAL 0)
      set(scratchnet_fuzz_ok TRUE)
    endif()
  endif()

  if(scratchnet_fuzz_ok)
    set(fuzz_env
      FUZZ_BUILD_DIR=${CMAKE_CURRENT_BINARY_DIR}/fuzz
      FUZZ_CXX=${SCRATCHNET_FUZZ_CXX}
      FUZZ_OPT=-O0)
    file(GLOB fuzz_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/fuzz/fuzz_*.cpp)
    foreach(source ${fuzz_sources})
      get_filename_component(name ${source} NAME_WE)
      string(REPLACE "fuzz_" "" target ${name})
      # Always run; scripts/fuzz.sh compiles only what a change made stale.
      add_custom_target(fuzz_build_${target} ALL
        COMMAND ${CMAKE_COMMAND} -E env ${fuzz_env}
          ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh --build ${target}
        COMMENT "fuzz_${target} (clang++, libFuzzer)"
        VERBATIM)
      add_test(NAME fuzz_${target}
        COMMAND ${CMAKE_COMMAND} -E env ${fuzz_env}
          ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh 30 ${target})
      # A high cost makes ctest start them first, so that the short tests
      # fill the other core around them.
      set_tests_properties(fuzz_${target} PROPERTIES LABELS fuzz TIMEOUT 300 COST 1000)
    endforeach()
  else()
    message(STATUS "fuzz smoke tests: none (clang++ with libFuzzer not found; "
                   "scripts/setup-deps.sh --fuzz installs it)")
  endif()
endif()
