# Runs one example program with a flag it must refuse, and checks that it did:
#
#   cmake -DPROGRAM=<exe> -DARGS="<flags>" -DEXPECTED="<text>" -DOUT=<dir>
#         [-DEMULATOR=<exe>,<arg>...] -P run_refusal_test.cmake
#
# The program must exit 2 with one line on stderr that holds EXPECTED, and
# must have written nothing under OUT (the refusal comes before any work).
cmake_minimum_required(VERSION 3.25)

string(REPLACE "," ";" EMULATOR "${EMULATOR}")
file(REMOVE_RECURSE "${OUT}")
separate_arguments(arguments UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${EMULATOR} "${PROGRAM}" ${arguments} --out "${OUT}"
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors TIMEOUT 60)
string(STRIP "${errors}" message)
string(FIND "${message}" "\n" newline)
string(FIND "${message}" "${EXPECTED}" named)
if(NOT status EQUAL 2 OR NOT newline EQUAL -1 OR named EQUAL -1)
  message(FATAL_ERROR "${PROGRAM} ${ARGS}: expected exit code 2 and one line naming "
                      "'${EXPECTED}', got ${status}:\n${errors}\n${output}")
endif()
file(GLOB_RECURSE written "${OUT}/*")
if(written)
  message(FATAL_ERROR "${PROGRAM} ${ARGS} refused, but wrote ${written}")
endif()
