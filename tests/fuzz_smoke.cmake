# The fuzz smoke test: each libFuzzer target of fuzz/ for 30 s, through
# scripts/fuzz.sh, which builds them with clang++ inside the test (in
# <build>/tests/fuzz) since the normal build may be g++. Included from
# tests/CMakeLists.txt. The test exists only when clang++ can build and link a
# program with -fsanitize=fuzzer,address,undefined (checked here, at configure
# time), zlib was found, and the build has no sanitizers of its own (the
# targets bring theirs); SCRATCHNET_FUZZ_SMOKE=OFF leaves it out.
option(SCRATCHNET_FUZZ_SMOKE "Run each fuzz target for 30 s in ctest when clang++ has libFuzzer" ON)

if(SCRATCHNET_FUZZ_SMOKE AND ZLIB_FOUND AND NOT CMAKE_CXX_FLAGS MATCHES "sanitize")
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
    add_test(NAME fuzz_smoke
      COMMAND ${CMAKE_COMMAND} -E env
        FUZZ_BUILD_DIR=${CMAKE_CURRENT_BINARY_DIR}/fuzz
        FUZZ_CXX=${SCRATCHNET_FUZZ_CXX}
        ${PROJECT_SOURCE_DIR}/scripts/fuzz.sh 30)
    # Building the two targets takes 1-3 minutes, then 30 s each.
    set_tests_properties(fuzz_smoke PROPERTIES LABELS fuzz TIMEOUT 900)
  else()
    message(STATUS "fuzz_smoke: no test (clang++ with libFuzzer not found; "
                   "scripts/setup-deps.sh --fuzz installs it)")
  endif()
endif()
