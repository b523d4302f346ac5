# CTest tests of the chapter-6 example programs: each runs on a tiny setting
# (a few iterations, a few hundred samples, small networks) and must exit 0
# and write well-formed CSV (run_example_test.cmake), and must not be fooled
# by --out names made to run commands or by a FIFO in place of its first CSV
# file (run_hostile_test.cmake); nonsense flags are one line and exit code 2
# (run_refusal_test.cmake). Included from
# examples/CMakeLists.txt when the tests are built; the programs read
# Fashion-MNIST from the Debian package and are skipped when it is missing.
set(SCRATCHNET_EXAMPLE_DATA "/usr/share/datasets/fashion-mnist")
# Under a cross build's emulator (qemu) the programs run 30 to 300 times
# slower than natively: conv_filters on 300 images 39 s against 1.1 s.
if(SCRATCHNET_EMULATOR)
  set(example_timeout 600)
else()
  set(example_timeout 60)
endif()
math(EXPR hostile_timeout "3 * ${example_timeout} + 20")  # three runs of the program

# scratchnet_example_test(<program> ARGS <flags> CSV <files> PNG <files> [NO_DATA]
#                         [NAME <name>]): tests example_<name>, by default the program's.
function(scratchnet_example_test program)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_DATA" "NAME" "ARGS;CSV;PNG")
  if(NOT arg_NAME)
    set(arg_NAME ${program})
  endif()
  set(data_args "")
  set(data_dir "")
  if(NOT arg_NO_DATA)
    set(data_args "--data ${SCRATCHNET_EXAMPLE_DATA}")
    set(data_dir "${SCRATCHNET_EXAMPLE_DATA}")
  endif()
  string(JOIN " " flags ${arg_ARGS})
  # Lists go to the script comma separated: a ';' would split the argument.
  string(JOIN "," csv ${arg_CSV})
  string(JOIN "," png ${arg_PNG})
  add_test(NAME example_${arg_NAME}
    COMMAND ${CMAKE_COMMAND}
      -DPROGRAM=$<TARGET_FILE:${program}>
      -DEMULATOR=${SCRATCHNET_EMULATOR}
      "-DARGS=${data_args} ${flags}"
      -DOUT=${CMAKE_CURRENT_BINARY_DIR}/example_out/${arg_NAME}
      -DCSV=${csv}
      -DPNG=${png}
      -DDATA=${data_dir}
      -P ${CMAKE_CURRENT_LIST_DIR}/run_example_test.cmake)
  list(GET arg_CSV 0 first_csv)
  add_test(NAME example_${arg_NAME}_hostile_outputs
    COMMAND ${CMAKE_COMMAND}
      -DPROGRAM=$<TARGET_FILE:${program}>
      -DEMULATOR=${SCRATCHNET_EMULATOR}
      "-DARGS=${data_args} ${flags}"
      -DWORK=${CMAKE_CURRENT_BINARY_DIR}/example_hostile/${arg_NAME}
      -DCSV=${first_csv}
      -DDATA=${data_dir}
      -P ${CMAKE_CURRENT_LIST_DIR}/run_hostile_test.cmake)
  set_tests_properties(example_${arg_NAME} PROPERTIES
    LABELS example TIMEOUT ${example_timeout} SKIP_REGULAR_EXPRESSION "SKIPPED: no data")
  set_tests_properties(example_${arg_NAME}_hostile_outputs PROPERTIES
    LABELS example TIMEOUT ${hostile_timeout} SKIP_REGULAR_EXPRESSION "SKIPPED: no data")
endfunction()

scratchnet_example_test(activation_histogram NO_DATA
  ARGS --samples 50 --nodes 10 --layers 3 --bins 10 --activations relu,sigmoid --inits he,0.01
  CSV activation_histogram.csv activation_stats.csv summary.csv
  PNG relu_he.png sigmoid_std0.01.png)

scratchnet_example_test(optimizer_paths NO_DATA
  ARGS --steps 30
  CSV optimizer_paths.csv
  PNG optimizer_paths.png)

scratchnet_example_test(optimizer_compare
  ARGS --train-size 300 --test-size 200 --iterations 20 --batch 32 --hidden 20,20
       --optimizers sgd,adam --jobs 2
  CSV optimizer_compare.csv summary.csv
  PNG optimizer_compare.png)

scratchnet_example_test(weight_init_compare
  ARGS --train-size 300 --test-size 200 --iterations 20 --batch 32 --hidden 20,20
  CSV weight_init_compare.csv summary.csv
  PNG weight_init_compare.png)

scratchnet_example_test(batch_norm_compare
  ARGS --train-size 200 --test-size 100 --epochs 3 --batch 50 --scales 3
       --hidden-layers 2 --hidden-size 20 --jobs 2
  CSV batch_norm_compare.csv summary.csv
  PNG batch_norm_compare.png)

scratchnet_example_test(overfit
  ARGS --train-size 100 --test-size 100 --epochs 4 --batch 50 --hidden-layers 2 --hidden-size 20
  CSV overfit.csv summary.csv
  PNG overfit.png)

scratchnet_example_test(hyperparameter_search
  ARGS --samples 100 --trials 4 --epochs 3 --batch 20 --hidden-layers 2 --hidden-size 20
       --jobs 2 --best 3
  CSV hyperparameter_search.csv hyperparameter_curves.csv summary.csv
  PNG hyperparameter_search.png)

# The same search by Bayesian optimisation: 3 random trials, then rounds of 2.
if(SCRATCHNET_HAS_BAYES)
  scratchnet_example_test(hyperparameter_search NAME hyperparameter_search_bayes
    ARGS --samples 100 --trials 6 --epochs 3 --batch 20 --hidden-layers 2 --hidden-size 20
         --jobs 2 --best 3 --method bayes --random-trials 3 --round-size 2 --candidates 500
    CSV hyperparameter_search.csv hyperparameter_curves.csv summary.csv
    PNG hyperparameter_search.png)
endif()

# scratchnet_example_refuses(<test name> <program> EXPECTED <text> ARGS <flags>)
# Flags that each program used to accept and run on (issue 15).
function(scratchnet_example_refuses name program)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "EXPECTED" "ARGS")
  string(JOIN " " flags ${arg_ARGS})
  add_test(NAME example_${name}
    COMMAND ${CMAKE_COMMAND}
      -DPROGRAM=$<TARGET_FILE:${program}>
      -DEMULATOR=${SCRATCHNET_EMULATOR}
      "-DARGS=${flags}"
      "-DEXPECTED=${arg_EXPECTED}"
      -DOUT=${CMAKE_CURRENT_BINARY_DIR}/example_refused/${name}
      -P ${CMAKE_CURRENT_LIST_DIR}/run_refusal_test.cmake)
  set_tests_properties(example_${name} PROPERTIES LABELS example TIMEOUT 60)
endfunction()

scratchnet_example_refuses(activation_histogram_bins activation_histogram
  EXPECTED "--bins: 10000000 is more than 1000" ARGS --bins 10000000)
scratchnet_example_refuses(activation_histogram_repeated_init activation_histogram
  EXPECTED "--inits: 'he' appears twice in 'he,0.01,he'" ARGS --inits he,0.01,he)
scratchnet_example_refuses(optimizer_paths_steps optimizer_paths
  EXPECTED "--steps: 1000000 is more than 10000" ARGS --steps 1000000)
scratchnet_example_refuses(optimizer_compare_repeated_rule optimizer_compare
  EXPECTED "--optimizers: 'adam' appears twice in 'adam,adam'" ARGS --optimizers adam,adam)
scratchnet_example_refuses(weight_init_compare_empty_size weight_init_compare
  EXPECTED "--hidden: '20,,20' has an empty item" ARGS --hidden 20,,20)
scratchnet_example_refuses(batch_norm_compare_scales batch_norm_compare
  EXPECTED "--scale-min 2 is not below --scale-max 1"
  ARGS --data ${SCRATCHNET_EXAMPLE_DATA} --scale-min 2 --scale-max 1)
scratchnet_example_refuses(overfit_negative_seed overfit
  EXPECTED "--seed: -1 is negative" ARGS --seed -1)
scratchnet_example_refuses(overfit_negative_l1 overfit
  EXPECTED "--l1: -0.001 is negative" ARGS --l1 -0.001)
scratchnet_example_refuses(overfit_infinite_max_norm overfit
  EXPECTED "--max-norm: inf is not a finite number" ARGS --max-norm inf)
scratchnet_example_refuses(overfit_max_norm_not_a_number overfit
  EXPECTED "--max-norm: 1.5x is not a number" ARGS --max-norm 1.5x)
scratchnet_example_refuses(hyperparameter_search_unknown_method hyperparameter_search
  EXPECTED "--method: nonsense not in {random,bayes}" ARGS --method nonsense)
scratchnet_example_refuses(hyperparameter_search_bayes_flag_without_bayes hyperparameter_search
  EXPECTED "--candidates: only for --method bayes" ARGS --candidates 100)
if(NOT SCRATCHNET_HAS_BAYES)
  scratchnet_example_refuses(hyperparameter_search_bayes_without_nlopt hyperparameter_search
    EXPECTED "--method: bayes needs NLopt" ARGS --method bayes)
endif()

# The user-layer example: a kind of its own, registered, trained, saved and
# loaded to the same scores; a spiral of 300 points, no data files.
add_test(NAME example_custom_layer
  COMMAND custom_layer --epochs 300
    --save ${CMAKE_CURRENT_BINARY_DIR}/example_out/custom_layer.bin)
set_tests_properties(example_custom_layer PROPERTIES LABELS example TIMEOUT 60
  PASS_REGULAR_EXPRESSION "test accuracy 0\\.9[0-9]*.*loaded, it predicts the same scores")

scratchnet_example_test(regression NO_DATA
  ARGS --epochs 300
  CSV regression.csv
  PNG regression.png)

scratchnet_example_test(conv_filters
  ARGS --train-size 300 --epochs 1
  CSV filters_before.csv filters_after.csv activations.csv summary.csv
  PNG conv_filters.png activations.png)
