# Runs one example program with outputs that must not fool it:
#
#   cmake -DPROGRAM=<exe> -DARGS="<flags>" -DWORK=<dir> -DCSV=<first csv>
#         [-DDATA=<dir>] [-DEMULATOR=<exe>,<arg>...] -P run_hostile_test.cmake
#
# - --out names that were gnuplot code (a backslash before a quote ended
#   gnuplot's string, backquotes ran inside it) or commands to gnuplot (a data
#   file named "<cmd", an output named "|cmd"): the program must exit 0, draw
#   into the folder of that very name and run nothing: no file named INJECTED
#   may appear anywhere under WORK.
# - a FIFO in place of the first CSV file: one line on stderr naming it, exit
#   code 2, and the FIFO still there (the program used to wait for a reader).
# WORK is the test's own scratch folder, and the program runs in it. Skipped,
# as run_example_test.cmake, when DATA names a folder that does not exist.
# EMULATOR (a cross build's, comma separated) runs the program, as in
# run_example_test.cmake.
cmake_minimum_required(VERSION 3.25)

if(DEFINED DATA AND NOT DATA STREQUAL "" AND NOT IS_DIRECTORY "${DATA}")
  message("SKIPPED: no data at ${DATA}")
  return()
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
separate_arguments(arguments UNIX_COMMAND "${ARGS}")
string(REPLACE "," ";" EMULATOR "${EMULATOR}")
if(EMULATOR)
  set(run_timeout 600)  # qemu runs the program 30 to 300 times slower
else()
  set(run_timeout 60)
endif()
find_program(GNUPLOT gnuplot)

function(run_in_work out_dir expected_code)
  execute_process(COMMAND ${EMULATOR} "${PROGRAM}" ${arguments} --out "${out_dir}"
                  WORKING_DIRECTORY "${WORK}" TIMEOUT ${run_timeout}
                  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT status STREQUAL expected_code)
    message(FATAL_ERROR "--out '${out_dir}': exit ${status}, expected ${expected_code}:\n"
                        "${output}\n${errors}")
  endif()
  set(errors "${errors}" PARENT_SCOPE)
endfunction()

foreach(out_dir [[|touch INJECTED #x\"; system 'touch INJECTED' #]]
                [[<touch INJECTED #x`touch INJECTED`]])
  run_in_work("${out_dir}" 0)
  file(GLOB_RECURSE injected "${WORK}/INJECTED")
  if(injected)
    message(FATAL_ERROR "--out '${out_dir}' ran a command: ${injected}")
  endif()
  file(GLOB figures "${WORK}/${out_dir}/*.png")
  if(GNUPLOT AND NOT figures)
    message(FATAL_ERROR "--out '${out_dir}': no figure drawn in that folder")
  endif()
endforeach()

file(MAKE_DIRECTORY "${WORK}/fifo")
execute_process(COMMAND mkfifo "${WORK}/fifo/${CSV}" RESULT_VARIABLE made)
if(NOT made EQUAL 0)
  message(FATAL_ERROR "mkfifo ${WORK}/fifo/${CSV} failed")
endif()
run_in_work(fifo 2)
string(STRIP "${errors}" message)
string(FIND "${message}" "\n" newline)
string(FIND "${message}" "${CSV}: cannot save: it is a named pipe (FIFO)" named)
if(NOT newline EQUAL -1 OR named EQUAL -1)
  message(FATAL_ERROR "a FIFO as ${CSV}: expected one line naming it, got:\n${errors}")
endif()
execute_process(COMMAND test -p "${WORK}/fifo/${CSV}" RESULT_VARIABLE is_fifo)
if(NOT is_fifo EQUAL 0)
  message(FATAL_ERROR "the FIFO ${CSV} was replaced")
endif()
