# ctest driver for mnist_train and mnist_predict on a few hundred Fashion-MNIST
# images: a run that saves a model, the same accuracy from the saved model,
# one-line errors with exit code 2 for bad input, and outputs aimed at what is
# not a regular file.
#   cmake -DTRAIN=... -DPREDICT=... -DDATA=... -DWORK=... [-DEMULATOR=...] -P mnist_programs.cmake
# EMULATOR: a cross build's emulator and its arguments, comma separated; the
# programs run through it.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "," ";" EMULATOR "${EMULATOR}")
if(EMULATOR)
  set(run_timeout 600)  # qemu: DeepConvNet on 300 images takes 96 s (0.3 s natively)
else()
  set(run_timeout 120)
endif()
set(TRAIN ${EMULATOR} ${TRAIN})
set(PREDICT ${EMULATOR} ${PREDICT})
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# A program that waits on a FIFO fails here rather than hanging the suite.
function(run_program out_var expected_code)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT ${run_timeout})
  if(NOT code STREQUAL expected_code)
    message(FATAL_ERROR "expected exit code ${expected_code}, got ${code}: ${ARGN}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${out_var}_stderr "${err}" PARENT_SCOPE)
endfunction()

# Runs the command ARGN, which must exit 2 with one line on stderr naming
# expected; its output is left in ignored.
function(expect_one_line_error expected)
  run_program(ignored 2 ${ARGN})
  set(ignored "${ignored}" PARENT_SCOPE)
  string(STRIP "${ignored_stderr}" message)
  string(FIND "${message}" "\n" newline)
  string(FIND "${message}" "${expected}" named)
  if(NOT newline EQUAL -1 OR named EQUAL -1)
    message(FATAL_ERROR "expected one line naming '${expected}', got:\n${ignored_stderr}")
  endif()
endfunction()

# expect_one_line_error, with no epoch trained before it: the program refused
# what it was given before its first epoch.
function(expect_refusal_before_training expected)
  expect_one_line_error("${expected}" ${ARGN})
  string(FIND "${ignored}" "epoch " trained)
  if(NOT trained EQUAL -1)
    message(FATAL_ERROR "'${expected}' was found only after training:\n${ignored}")
  endif()
endfunction()

function(last_line text out_var)
  string(STRIP "${text}" text)
  string(REGEX REPLACE ".*\n" "" line "${text}")
  set(${out_var} "${line}" PARENT_SCOPE)
endfunction()

# A saved model gives, from mnist_predict, the very accuracy line
# (train_line) that mnist_train reported for it.
function(expect_predicted_accuracy model train_line)
  run_program(predicted 0 ${PREDICT} --model ${model} --data ${DATA} --limit-test 200)
  last_line("${predicted}" predict_line)
  if(NOT predict_line STREQUAL train_line)
    message(FATAL_ERROR "mnist_predict on ${model} says '${predict_line}', mnist_train said '${train_line}'")
  endif()
endfunction()

set(tiny_data --data ${DATA} --limit-train 300 --limit-test 200)
set(tiny ${tiny_data} --hidden 32,32)
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

expect_predicted_accuracy(${WORK}/model.bin "${train_line}")

# --misclassified: as many wrong images as the accuracy leaves (200 images, so
# the accuracy is a multiple of 0.005), the first five marked true>predicted.
run_program(wrong 0 ${PREDICT} --model ${WORK}/model.bin --data ${DATA} --limit-test 200
            --misclassified ${WORK}/wrong.png --count 5)
string(REGEX MATCH "test accuracy: 0\\.([0-9]+)" ignored "${wrong}")
math(EXPR expected_wrong "200 - ${CMAKE_MATCH_1} * 200 / 10000")
if(NOT wrong MATCHES "misclassified: ${expected_wrong} of 200 test images")
  message(FATAL_ERROR "expected ${expected_wrong} misclassified of 200:\n${wrong}")
endif()
file(STRINGS ${WORK}/wrong_labels.csv marks)
list(POP_FRONT marks header)
list(LENGTH marks drawn)
if(NOT header STREQUAL "x,y,text" OR NOT drawn EQUAL 5)
  message(FATAL_ERROR "wrong_labels.csv: expected a header and 5 marks:\n${marks}")
endif()
set(x 0)
foreach(mark IN LISTS marks)  # tiles of 28 x 28, one pixel apart
  if(NOT mark MATCHES "^${x},3,([0-9])>([0-9])$" OR CMAKE_MATCH_1 STREQUAL CMAKE_MATCH_2)
    message(FATAL_ERROR "wrong_labels.csv: '${mark}' is not at x = ${x} or not a true>predicted pair of two classes")
  endif()
  math(EXPR x "${x} + 29")
endforeach()
if(wrong MATCHES "figure: " AND NOT EXISTS ${WORK}/wrong.png)
  message(FATAL_ERROR "mnist_predict said it drew ${WORK}/wrong.png, which is not there")
endif()

# Any stack of layers from --layers: trained, saved, and the same accuracy
# from mnist_predict; resumed from its checkpoint, the run's layers must match.
set(layered ${tiny_data} --layers "affine(48), batchnorm, tanh, dropout(0.1), affine(24), relu, affine(10)")
run_program(layered_run 0 ${TRAIN} ${layered} --epochs 2 --batch 50 --save ${WORK}/layered.bin
            --checkpoint ${WORK}/layered.ckpt)
last_line("${layered_run}" layered_line)
string(FIND "${layered_run}" "network: 1x28x28 -> affine(48),batchnorm,tanh,dropout(0.1),affine(24),relu,affine(10)" at)
if(at EQUAL -1 OR NOT layered_line MATCHES "^test accuracy: 0\\.[0-9][0-9][0-9][0-9]$")
  message(FATAL_ERROR "mnist_train --layers printed:\n${layered_run}")
endif()
expect_predicted_accuracy(${WORK}/layered.bin "${layered_line}")
expect_one_line_error("--resume: --layers or --net was affine(48),batchnorm,tanh,dropout(0.1),affine(24),relu,affine(10) in ${WORK}/layered.ckpt and is affine(48),batchnorm,tanh,affine(24),relu,affine(10) now"
  ${TRAIN} ${tiny_data} --layers "affine(48),batchnorm,tanh,affine(24),relu,affine(10)" --epochs 3
  --checkpoint ${WORK}/layered.ckpt --resume)
# The recipe's checkpoint resumed as a layer list: the flag that differs is named.
run_program(ignored 0 ${TRAIN} ${tiny} --epochs 1 --checkpoint ${WORK}/layered_recipe.ckpt)
expect_one_line_error("--resume: --hidden was 784-32-32-10 in ${WORK}/layered_recipe.ckpt and is none now"
  ${TRAIN} ${tiny_data} --layers "affine(48),batchnorm,tanh,affine(24),relu,affine(10)" --epochs 2
  --checkpoint ${WORK}/layered_recipe.ckpt --resume)

# The book's convolutional networks by name, on 300 images: they train, save,
# and load to the same accuracy.
foreach(book_net simple-conv deep-conv)
  run_program(conv_run 0 ${TRAIN} ${tiny_data} --net ${book_net} --epochs 1 --batch 50
              --save ${WORK}/${book_net}.bin)
  last_line("${conv_run}" conv_line)
  string(FIND "${conv_run}" "network: 1x28x28 -> conv(" at)
  if(at EQUAL -1 OR NOT conv_line MATCHES "^test accuracy: 0\\.[0-9][0-9][0-9][0-9]$")
    message(FATAL_ERROR "mnist_train --net ${book_net} printed:\n${conv_run}")
  endif()
  expect_predicted_accuracy(${WORK}/${book_net}.bin "${conv_line}")
endforeach()

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

# A resumed run is the run that wrote the checkpoint: each flag that shapes
# it, changed, is one line naming the flag and both values, before any
# training (issue 15: --activation tanh on a relu checkpoint trained on as
# tanh). A fresh run onto an existing checkpoint is refused, not overwritten.
foreach(case
    "--activation was relu in ${WORK}/run.ckpt and is tanh now|--activation;tanh"
    "--init was he in ${WORK}/run.ckpt and is xavier now|--init;xavier"
    "--dropout was 0.1 in ${WORK}/run.ckpt and is 0.2 now|--dropout;0.2"
    "--weight-decay was 0 in ${WORK}/run.ckpt and is 0.01 now|--weight-decay;0.01"
    "--seed was 0 in ${WORK}/run.ckpt and is 7 now|--seed;7"
    "--optimizer was Adam in ${WORK}/run.ckpt and is SGD now|--optimizer;sgd"
    "--lr was 0.001 in ${WORK}/run.ckpt and is 0.002 now|--lr;0.002"
    "--batch was 100 in ${WORK}/run.ckpt and is 50 now|--batch;50"
    "--data or --limit-train was 300 samples|--limit-train;250"
    "--data or --limit-test was 200 samples|--limit-test;150"
    "--lr-schedule was none in ${WORK}/run.ckpt and is step:every=1:gamma=0.5 now|--lr-schedule;step:1:0.5"
    "--l1 was none in ${WORK}/run.ckpt and is 0.001 now|--l1;0.001"
    "--max-norm was none in ${WORK}/run.ckpt and is 3 now|--max-norm;3")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_FRONT parts expected)
  # The flags of ${small}, but the one changed (CLI11 takes a flag once).
  set(flags --data ${DATA} --hidden 32,32 --batchnorm)
  foreach(flag_and_value --limit-train:300 --limit-test:200 --dropout:0.1)
    string(REPLACE ":" ";" flag_and_value ${flag_and_value})
    list(GET flag_and_value 0 flag)
    if(NOT flag IN_LIST parts)
      list(APPEND flags ${flag_and_value})
    endif()
  endforeach()
  expect_refusal_before_training("${expected}" ${TRAIN} ${flags} --epochs 4
                                 --checkpoint ${WORK}/run.ckpt --resume ${parts})
endforeach()
expect_one_line_error("--checkpoint: ${WORK}/run.ckpt exists; add --resume" ${TRAIN} ${small}
                      --epochs 1 --checkpoint ${WORK}/run.ckpt)

# Ctrl-C, SIGTERM and SIGHUP: the current batch finishes, the checkpoint is
# written, the exit code is 128 + the signal's number, the message says how to
# go on, and no temporary file is left.
foreach(signal_and_code INT:130 TERM:143 HUP:129)
  string(REPLACE ":" ";" signal_and_code ${signal_and_code})
  list(GET signal_and_code 0 signal)
  list(GET signal_and_code 1 expected_code)
  set(stopped ${WORK}/stopped_${signal})
  file(MAKE_DIRECTORY ${stopped})
  execute_process(COMMAND ${CMAKE_CURRENT_LIST_DIR}/interrupt_training.sh ${signal} ${stopped}/out
                    ${TRAIN} --data ${DATA} --limit-train 20000 --limit-test 100 --epochs 1000
                    --checkpoint ${stopped}/run.ckpt
                  RESULT_VARIABLE code ERROR_VARIABLE err)
  file(READ ${stopped}/out out)
  string(FIND "${out}" "--resume" advice)
  file(GLOB left_behind ${stopped}/*.tmp.*)
  if(NOT code EQUAL expected_code OR advice EQUAL -1 OR NOT EXISTS ${stopped}/run.ckpt
     OR left_behind)
    message(FATAL_ERROR "SIG${signal}: exit code ${code}, expected ${expected_code} and a "
                        "checkpoint, temporary files: ${left_behind}\n${out}\n${err}")
  endif()
endforeach()

# Outputs aimed at what is not a regular file, made in a folder of the test's
# own: a FIFO and (as root) a device node are refused and stay as they were; a
# symlink is followed and stays a link.
set(hostile ${WORK}/hostile)
file(MAKE_DIRECTORY ${hostile})
execute_process(COMMAND mkfifo ${hostile}/fifo RESULT_VARIABLE made)
if(NOT made EQUAL 0)
  message(FATAL_ERROR "mkfifo ${hostile}/fifo failed")
endif()
execute_process(COMMAND mknod ${hostile}/nul c 1 3 RESULT_VARIABLE made_device ERROR_QUIET)
file(WRITE ${hostile}/real.bin "the old model")
file(CREATE_LINK real.bin ${hostile}/link.bin SYMBOLIC)
run_program(ignored 0 ${TRAIN} ${tiny} --epochs 1 --save ${hostile}/link.bin)
run_program(ignored 0 ${PREDICT} --model ${hostile}/real.bin --data ${DATA} --limit-test 200)
if(NOT IS_SYMLINK ${hostile}/link.bin)
  message(FATAL_ERROR "--save link.bin replaced the link instead of the file it names")
endif()

# Figure names made to run commands through gnuplot: a backslash before a
# quote ended gnuplot's string, backquotes ran inside it, and gnuplot runs a
# data file named "<cmd" and an output named "|cmd". Each run, in WORK, must
# exit 0, draw the figure under that very name and run nothing: no INJECTED.
find_program(GNUPLOT gnuplot)
foreach(plot [[|touch INJECTED #x\"; system 'touch INJECTED' #.png]]
             [[<touch INJECTED #x`touch INJECTED`.png]])
  # Not through run_program, whose ARGN would split the name at its ';'.
  execute_process(COMMAND ${TRAIN} ${tiny} --epochs 1 --plot "${plot}" WORKING_DIRECTORY ${WORK}
                  RESULT_VARIABLE code OUTPUT_QUIET ERROR_VARIABLE err TIMEOUT ${run_timeout})
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "--plot '${plot}': exit code ${code}, expected 0:\n${err}")
  endif()
  if(EXISTS ${WORK}/INJECTED)
    message(FATAL_ERROR "--plot '${plot}' ran a command")
  endif()
  if(GNUPLOT AND NOT EXISTS "${WORK}/${plot}")
    message(FATAL_ERROR "--plot '${plot}' drew no figure of that name")
  endif()
endforeach()

# Inputs that are not regular files are refused at once, by their type: a
# FIFO used to block forever, a device to be read for gigabytes. And
# mnist_predict needs only the test files.
file(MAKE_DIRECTORY ${WORK}/fifo_labels ${WORK}/test_only)
file(GLOB real_files ${DATA}/*-ubyte*)
file(COPY ${real_files} DESTINATION ${WORK}/fifo_labels)
file(REMOVE ${WORK}/fifo_labels/train-labels-idx1-ubyte.gz)
execute_process(COMMAND mkfifo ${WORK}/fifo_labels/train-labels-idx1-ubyte)
file(GLOB test_files ${DATA}/t10k-*)
file(COPY ${test_files} DESTINATION ${WORK}/test_only)
run_program(predicted 0 ${PREDICT} --model ${WORK}/model.bin --data ${WORK}/test_only
            --limit-test 200)
last_line("${predicted}" predict_line)
if(NOT predict_line STREQUAL train_line)
  message(FATAL_ERROR "mnist_predict on the test files alone says '${predict_line}'")
endif()
set(not_regular "it is a named pipe (FIFO), not a regular file")
foreach(case
    "fifo: cannot open: ${not_regular}|${PREDICT};--model;${hostile}/fifo;--data;${DATA}"
    "train-labels-idx1-ubyte: cannot open file (${not_regular})|${TRAIN};--data;${WORK}/fifo_labels;--limit-train;300"
    "fifo: cannot save: it is a named pipe (FIFO)|${TRAIN};${tiny};--checkpoint;${hostile}/fifo;--resume")
  string(REPLACE "|" ";" parts "${case}")
  expect_one_line_error(${parts})
endforeach()
if(made_device EQUAL 0)
  expect_one_line_error("nul: cannot open: it is a character device, not a regular file"
                        ${PREDICT} --model ${hostile}/nul --data ${DATA})
endif()

# A data folder whose training images are a loop of symlinks: its reason,
# not "missing".
file(MAKE_DIRECTORY ${WORK}/link_loop)
file(CREATE_LINK train-images-idx3-ubyte ${WORK}/link_loop/train-images-idx3-ubyte SYMBOLIC)

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
    "t10k-labels-idx1-ubyte.gz: bad magic number|${PREDICT};--model;${WORK}/model.bin;--data;${WORK}/html_labels"
    "fifo: cannot save: it is a named pipe (FIFO)|${TRAIN};${tiny};--epochs;1;--save;${hostile}/fifo"
    "fifo: cannot save: it is a named pipe (FIFO)|${TRAIN};${tiny};--epochs;1;--history;${hostile}/fifo"
    "fifo: cannot save: it is a named pipe (FIFO)|${TRAIN};${tiny};--epochs;1;--checkpoint;${hostile}/fifo"
    "--threads: 0 is not from 1 to|${TRAIN};${tiny};--epochs;1;--threads;0"
    "--threads: -1 is not from 1 to|${TRAIN};${tiny};--epochs;1;--threads;-1"
    "--threads: 100000 is not from 1 to|${TRAIN};${tiny};--epochs;1;--threads;100000"
    "--hidden: '100,,100' has an empty item|${TRAIN};${tiny_data};--epochs;1;--hidden;100,,100"
    "--seed: -1 is negative|${TRAIN};${tiny};--epochs;1;--seed;-1"
    "lr: must be a finite positive number, got 0|${TRAIN};${tiny};--epochs;1;--lr;0"
    "hidden_sizes: the network would hold|${TRAIN};${tiny_data};--epochs;1;--hidden;1000000000"
    "--layers: layer 3 'lstm(3)' at character 18: unknown layer kind 'lstm'|${TRAIN};${tiny_data};--layers;affine(256),relu,lstm(3),affine(10)"
    "--layers: layer 1 'affine(' at character 8: argument 'outputs': expected a number, found the end|${TRAIN};${tiny_data};--layers;affine("
    "--layers: layer 2 'dropout(x)' at character 21: expected '=' after the argument name|${TRAIN};${tiny_data};--layers;affine(10),dropout(x)"
    "--layers: layer 1 at character 4: the layer list is empty|${TRAIN};${tiny_data};--layers;   "
    "--layers: layer 1 'affine(0)' at character 1: argument 'outputs': must be a whole number|${TRAIN};${tiny_data};--layers;affine(0),relu,affine(10)"
    "--layers: the last layer gives 32 values per row, but the data has 10 classes|${TRAIN};${tiny_data};--layers;affine(32),relu"
    "--hidden excludes --layers|${TRAIN};${tiny_data};--layers;affine(10);--hidden;5"
    "--net: lenet not in|${TRAIN};${tiny_data};--net;lenet"
    "--layers: layer 3 'maxpool(30)' at character 16: maxpool: a window of 30x30 does not fit an input of 8x24x24|${TRAIN};${tiny_data};--layers;conv(8,5),relu,maxpool(30),affine(10)"
    "train-images-idx3-ubyte: cannot open file (Too many levels of symbolic links)|${TRAIN};--data;${WORK}/link_loop")
  string(REPLACE "|" ";" parts "${case}")
  expect_one_line_error(${parts})
endforeach()
# Outputs are checked before training: two that are one file (by name, through
# "..", through a link, or --plot's data file), and a folder that does not
# exist, are one line before the first epoch.
foreach(case
    "--save and --history name the same file|--history;${hostile}/same.bin;--save;${hostile}/same.bin"
    "--save and --checkpoint name the same file|--save;${hostile}/../same.bin;--checkpoint;${WORK}/same.bin"
    "--save and --history name the same file|--save;${hostile}/link.bin;--history;${hostile}/real.bin"
    "--save and --plot's data name the same file|--plot;${hostile}/p.png;--save;${hostile}/p.png.csv"
    "nodir/x.bin: cannot save|--save;${WORK}/nodir/x.bin")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_FRONT parts expected)
  expect_refusal_before_training("${expected}" ${TRAIN} ${tiny} --epochs 1 ${parts})
endforeach()
if(made_device EQUAL 0)
  expect_one_line_error("nul: cannot save: it is a character device" ${TRAIN} ${tiny} --epochs 1
                        --save ${hostile}/nul)
endif()
foreach(kept "test -p ${hostile}/fifo" "test -c ${hostile}/nul -o ! -e ${hostile}/nul")
  separate_arguments(check UNIX_COMMAND "${kept}")
  execute_process(COMMAND ${check} RESULT_VARIABLE is_kept)
  if(NOT is_kept EQUAL 0)
    message(FATAL_ERROR "a refused output was replaced: ${kept} is false")
  endif()
endforeach()

# --validation and --early-stopping: a share of the training set judges every
# epoch (its columns in the history, the test set used once at the end); an
# early stop keeps the best epoch's model, the very bytes of a run of that many
# epochs. 300 images, Adam 0.01: the validation loss soon rises.
set(validated ${tiny} --lr 0.01 --validation 0.2)
run_program(stopped 0 ${TRAIN} ${validated} --epochs 40 --early-stopping 2
            --save ${WORK}/stopped.bin --history ${WORK}/validated.csv)
foreach(expected "validation 60 of the training images, 240 left" "val loss" "val acc")
  string(FIND "${stopped}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "mnist_train --validation did not print '${expected}':\n${stopped}")
  endif()
endforeach()
if(NOT stopped MATCHES "the model is that of epoch ([0-9]+) ")
  message(FATAL_ERROR "40 epochs of --early-stopping 2 did not stop early:\n${stopped}")
endif()
set(best ${CMAKE_MATCH_1})
file(STRINGS ${WORK}/validated.csv validated_rows)
list(GET validated_rows 0 header)
list(GET validated_rows 1 first_epoch)
list(LENGTH validated_rows rows)
math(EXPR expected_rows "${best} + 2 + 1")
if(NOT header MATCHES ",validation_loss,validation_accuracy$" OR NOT rows EQUAL expected_rows
   OR NOT first_epoch MATCHES "^1,[^,]+,[^,]+,,.*,[0-9.]+,0\\.[0-9]+$")
  message(FATAL_ERROR "validated.csv: expected the validation columns, no per-epoch test "
                      "accuracy and ${expected_rows} lines:\n${header}\n${first_epoch} (${rows} lines)")
endif()
run_program(exactly 0 ${TRAIN} ${validated} --epochs ${best} --save ${WORK}/exactly.bin)
file(SHA256 ${WORK}/stopped.bin stopped_model)
file(SHA256 ${WORK}/exactly.bin exactly_model)
if(NOT stopped_model STREQUAL exactly_model)
  message(FATAL_ERROR "the early-stopped model is not that of a run of ${best} epochs")
endif()
foreach(case
    "--validation: 1.5 is not a share between 0 and 1|--validation;1.5"
    "--validation: 0 is not a share between 0 and 1|--validation;0"
    "--early-stopping: -1 is negative|--validation;0.1;--early-stopping;-1"
    "--early-stopping requires --validation|--early-stopping;3")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_FRONT parts expected)
  expect_one_line_error("${expected}" ${TRAIN} ${tiny} --epochs 1 ${parts})
endforeach()

# --lr-schedule, --l1 and --max-norm: the rate of each epoch printed and in the
# history (step:1:0.5 from --lr 0.004: 0.004, 0.002, 0.001), and each flag's
# bad values refused in one line naming it, before any training.
run_program(scheduled 0 ${TRAIN} ${tiny} --epochs 3 --lr 0.004 --lr-schedule step:1:0.5
            --l1 0.0001 --max-norm 2 --history ${WORK}/scheduled.csv)
foreach(expected "epoch  1/3 .* lr 0.004 " "epoch  2/3 .* lr 0.002 " "epoch  3/3 .* lr 0.001 ")
  if(NOT scheduled MATCHES "${expected}")
    message(FATAL_ERROR "mnist_train --lr-schedule did not print '${expected}':\n${scheduled}")
  endif()
endforeach()
file(STRINGS ${WORK}/scheduled.csv scheduled_rows)
list(GET scheduled_rows 3 third_epoch)
if(NOT third_epoch MATCHES "^3,.*,0\\.001,,$")
  message(FATAL_ERROR "scheduled.csv: epoch 3 should have the rate 0.001:\n${third_epoch}")
endif()
foreach(case
    "--lr-schedule: unknown schedule 'linear' (known: constant, step, exponential, cosine, plateau)|--lr-schedule;linear"
    "--lr-schedule: step: missing setting 'gamma' (step:EVERY:GAMMA)|--lr-schedule;step:10"
    "--lr-schedule: exponential: gamma: must be in (0, 1|--lr-schedule;exponential:1.5"
    "--lr-schedule: plateau: factor: must be in (0, 1), got 2|--lr-schedule;plateau:factor=2"
    "--lr-schedule: cosine:epochs=1:warmup=0:min=0 gives epoch 2 of --epochs 2 the rate 0|--lr-schedule;cosine:1"
    "--l1: -0.1 is negative|--l1;-0.1"
    "--l1: inf is not a finite number|--l1;inf"
    "--max-norm: -1 is negative|--max-norm;-1"
    "--max-norm: two is not a number|--max-norm;two")
  string(REPLACE "|" ";" parts "${case}")
  list(POP_FRONT parts expected)
  expect_refusal_before_training("${expected}" ${TRAIN} ${tiny} --epochs 2 ${parts})
endforeach()
