# ctest driver for mnist_train and mnist_predict on a few hundred Fashion-MNIST
# images: a run that saves a model, the same accuracy from the saved model,
# and one-line errors with exit code 2 for bad input.
#   cmake -DTRAIN=... -DPREDICT=... -DDATA=... -DWORK=... [-DEMULATOR=...] -P mnist_programs.cmake
# EMULATOR: a cross build's emulator and its arguments, comma separated; the
# programs run through it.
string(REPLACE "," ";" EMULATOR "${EMULATOR}")
set(TRAIN ${EMULATOR} ${TRAIN})
set(PREDICT ${EMULATOR} ${PREDICT})
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run_program out_var expected_code)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code STREQUAL expected_code)
    message(FATAL_ERROR "expected exit code ${expected_code}, got ${code}: ${ARGN}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${out_var}_stderr "${err}" PARENT_SCOPE)
endfunction()

function(last_line text out_var)
  string(STRIP "${text}" text)
  string(REGEX REPLACE ".*\n" "" line "${text}")
  set(${out_var} "${line}" PARENT_SCOPE)
endfunction()

set(tiny --data ${DATA} --limit-train 300 --limit-test 200 --hidden 32,32)
run_program(trained 0 ${TRAIN} ${tiny} --epochs 2 --batch 50 --save ${WORK}/model.bin
            --history ${WORK}/history.csv)
last_line("${trained}" train_line)
if(NOT train_line MATCHES "^test accuracy: 0\\.[0-9][0-9][0-9][0-9]$")
  message(FATAL_ERROR "mnist_train's last line is '${train_line}'")
endif()
foreach(expected "train 300 images" "test  200 images" "epoch  2/2" "confusion matrix")
  string(FIND "${trained}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "mnist_train did not print '${expected}':\n${trained}")
  endif()
endforeach()
file(STRINGS ${WORK}/history.csv history)
list(LENGTH history rows)
if(NOT rows EQUAL 3)
  message(FATAL_ERROR "history.csv has ${rows} lines, expected a header and 2 epochs")
endif()

# The saved model gives the very accuracy the trained one reported.
run_program(predicted 0 ${PREDICT} --model ${WORK}/model.bin --data ${DATA} --limit-test 200)
last_line("${predicted}" predict_line)
if(NOT predict_line STREQUAL train_line)
  message(FATAL_ERROR "mnist_predict says '${predict_line}', mnist_train said '${train_line}'")
endif()

# Two epochs, then resumed to four from the checkpoint: the same model bytes
# as four epochs in one run.
set(small ${tiny} --dropout 0.1 --batchnorm)
run_program(ignored 0 ${TRAIN} ${small} --epochs 4 --save ${WORK}/straight.bin)
run_program(ignored 0 ${TRAIN} ${small} --epochs 2 --checkpoint ${WORK}/run.ckpt)
run_program(resumed 0 ${TRAIN} ${small} --epochs 4 --checkpoint ${WORK}/run.ckpt --resume
            --save ${WORK}/resumed.bin)
string(FIND "${resumed}" "resumed from" at)
file(SHA256 ${WORK}/straight.bin straight_hash)
file(SHA256 ${WORK}/resumed.bin resumed_hash)
if(at EQUAL -1 OR NOT straight_hash STREQUAL resumed_hash)
  message(FATAL_ERROR "a resumed run saved other bytes than a straight one:\n${resumed}")
endif()

# Ctrl-C: the current batch finishes, the checkpoint is written, exit code 130,
# and the message says how to go on.
execute_process(COMMAND ${CMAKE_CURRENT_LIST_DIR}/interrupt_training.sh ${WORK}/interrupted.out
                  ${TRAIN} --data ${DATA} --limit-train 20000 --limit-test 100 --epochs 1000
                  --checkpoint ${WORK}/interrupted.ckpt
                RESULT_VARIABLE code ERROR_VARIABLE err)
file(READ ${WORK}/interrupted.out out)
string(FIND "${out}" "--resume" advice)
if(NOT code EQUAL 130 OR advice EQUAL -1 OR NOT EXISTS ${WORK}/interrupted.ckpt)
  message(FATAL_ERROR "SIGINT: exit code ${code}, expected 130 and a checkpoint:\n${out}\n${err}")
endif()

# Bad input: one line on stderr naming the problem, exit code 2.
file(WRITE ${WORK}/broken.bin "not a model")
execute_process(COMMAND head -c 300 ${WORK}/model.bin OUTPUT_FILE ${WORK}/cut.bin)
# Corrupt data folders: the real files but one, cut short or replaced by a
# web page saved under its name.
foreach(folder cut_images html_labels)
  file(MAKE_DIRECTORY ${WORK}/${folder})
  file(GLOB real_files ${DATA}/*-ubyte*)
  file(COPY ${real_files} DESTINATION ${WORK}/${folder})
endforeach()
execute_process(COMMAND head -c 4000 ${DATA}/train-images-idx3-ubyte.gz
                OUTPUT_FILE ${WORK}/cut_images/train-images-idx3-ubyte.gz)
file(WRITE ${WORK}/html_labels/t10k-labels-idx1-ubyte.gz "<html><body>404 Not Found</body></html>\n")
foreach(case
    "--no-such-flag|${TRAIN};--no-such-flag"
    "/no/such/folder|${TRAIN};--data;/no/such/folder"
    "weight_init|${TRAIN};${tiny};--init;glorot"
    "optimizer|${TRAIN};${tiny};--optimizer;adamw"
    "dropout_ratio|${TRAIN};${tiny};--dropout;1.5"
    "batch_size|${TRAIN};${tiny};--batch;1000"
    "broken.bin|${PREDICT};--model;${WORK}/broken.bin;--data;${DATA}"
    "cut.bin: corrupted: checksum mismatch|${PREDICT};--model;${WORK}/cut.bin;--data;${DATA}"
    "train-images-idx3-ubyte.gz: truncated|${TRAIN};--data;${WORK}/cut_images;--limit-train;300"
    "t10k-labels-idx1-ubyte.gz: bad magic number|${TRAIN};--data;${WORK}/html_labels;--limit-train;300"
    "t10k-labels-idx1-ubyte.gz: bad magic number|${PREDICT};--model;${WORK}/model.bin;--data;${WORK}/html_labels")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_FRONT parts expected)
  run_program(ignored 2 ${parts})
  string(STRIP "${ignored_stderr}" message)
  string(FIND "${message}" "\n" newline)
  string(FIND "${message}" "${expected}" named)
  if(NOT newline EQUAL -1 OR named EQUAL -1)
    message(FATAL_ERROR "expected one line naming '${expected}', got:\n${ignored_stderr}")
  endif()
endforeach()
