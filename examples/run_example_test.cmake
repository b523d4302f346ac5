# Runs one example program on a tiny setting and checks what it wrote:
#
#   cmake -DPROGRAM=<exe> -DARGS="<flags>" -DOUT=<dir> -DCSV=a.csv,b.csv
#         [-DPNG=a.png,b.png] [-DDATA=<dir>] [-DEMULATOR=<exe>,<arg>...]
#         -P run_example_test.cmake
#
# The program must exit 0. Every CSV in the list must exist, have a header
# and at least one row, the same number of fields in every row as in the
# header, and only fields that are finite numbers or plain names (a letter
# first). summary.csv must have the header setting,metric,value and a number
# in its value column. EMULATOR (a cross build's, comma separated) runs the
# program. The PNGs must exist when gnuplot is installed. When
# DATA names a folder that does not exist, the test prints SKIPPED (the test
# property SKIP_REGULAR_EXPRESSION turns that into a skip).
cmake_minimum_required(VERSION 3.25)

if(DEFINED DATA AND NOT DATA STREQUAL "" AND NOT IS_DIRECTORY "${DATA}")
  message("SKIPPED: no data at ${DATA}")
  return()
endif()

string(REPLACE "," ";" CSV "${CSV}")
string(REPLACE "," ";" PNG "${PNG}")
string(REPLACE "," ";" EMULATOR "${EMULATOR}")
file(REMOVE_RECURSE "${OUT}")
separate_arguments(arguments UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${EMULATOR} "${PROGRAM}" ${arguments} --out "${OUT}"
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}: ${errors}")
endif()

set(number "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$")
set(name "^[A-Za-z][A-Za-z0-9_=.+/-]*$")
foreach(csv IN LISTS CSV)
  set(path "${OUT}/${csv}")
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "${csv} was not written in ${OUT}")
  endif()
  file(STRINGS "${path}" lines)
  list(LENGTH lines line_count)
  if(line_count LESS 2)
    message(FATAL_ERROR "${csv}: a header and at least one row expected, found ${line_count} lines")
  endif()
  list(GET lines 0 header)
  string(REPLACE "," ";" header_fields "${header}")
  list(LENGTH header_fields columns)
  if(csv STREQUAL "summary.csv" AND NOT header STREQUAL "setting,metric,value")
    message(FATAL_ERROR "summary.csv: header is '${header}', expected 'setting,metric,value'")
  endif()
  foreach(field IN LISTS header_fields)
    if(NOT field MATCHES "${name}")
      message(FATAL_ERROR "${csv}: header field '${field}' is not a name")
    endif()
  endforeach()
  list(REMOVE_AT lines 0)
  set(row 1)
  foreach(line IN LISTS lines)
    string(REPLACE "," ";" fields "${line}")
    list(LENGTH fields count)
    if(NOT count EQUAL columns)
      message(FATAL_ERROR "${csv} row ${row}: ${count} fields, the header has ${columns}: '${line}'")
    endif()
    foreach(field IN LISTS fields)
      string(TOLOWER "${field}" lower)
      if(lower MATCHES "^[-+]?(nan|inf)")
        message(FATAL_ERROR "${csv} row ${row}: '${field}' is not a finite number")
      endif()
      if(NOT field MATCHES "${number}" AND NOT field MATCHES "${name}")
        message(FATAL_ERROR "${csv} row ${row}: field '${field}' is neither a number nor a name")
      endif()
    endforeach()
    if(csv STREQUAL "summary.csv")
      list(GET fields 2 value)
      if(NOT value MATCHES "${number}")
        message(FATAL_ERROR "summary.csv row ${row}: value '${value}' is not a number")
      endif()
    endif()
    math(EXPR row "${row} + 1")
  endforeach()
  message(STATUS "${csv}: ${columns} columns, ${row} lines: ok")
endforeach()

find_program(GNUPLOT gnuplot)
if(GNUPLOT)
  foreach(png IN LISTS PNG)
    if(NOT EXISTS "${OUT}/${png}")
      message(FATAL_ERROR "${png} was not drawn in ${OUT}")
    endif()
  endforeach()
endif()
