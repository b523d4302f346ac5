# ctest driver: builds tests/consumer against scratchnet and runs it.
# MODE=install: cmake --install into a fresh prefix, then find_package.
# MODE=subdirectory: add_subdirectory of the source tree.
# HAS_BAYES=ON: scratchnet::bayes must be there too, and its program runs.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "failed (${result}): ${ARGN}")
  endif()
endfunction()

set(configure_args -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/build -DCMAKE_CXX_COMPILER=${CXX}
                   -DSCRATCHNET_EXPECT_BAYES=${HAS_BAYES})
if(MODE STREQUAL "install")
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
else()
  list(APPEND configure_args -DSCRATCHNET_SOURCE_DIR=${SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} ${configure_args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
if(EXISTS ${WORK_DIR}/build/consumer_mpi)
  run(${WORK_DIR}/build/consumer_mpi)
endif()
if(HAS_BAYES)
  run(${WORK_DIR}/build/consumer_bayes)
endif()
