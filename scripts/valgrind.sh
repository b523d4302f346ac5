#!/usr/bin/env bash
# One small training run, and a prediction from the model it saved, under
# valgrind memcheck: any invalid read or write, use of an uninitialised value
# or definite leak fails the script (exit code 1).
#   scripts/valgrind.sh [DATA_DIR]     default $MNIST_DIR, else Fashion-MNIST
# The programs are built for this in build/valgrind: optimised with debug
# information, without -march=native (valgrind does not know AVX-512) and
# without OpenMP (its thread pool is not what is being checked).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  echo "valgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2
  exit 2
fi
data=${1:-${MNIST_DIR:-/usr/share/datasets/fashion-mnist}}
build=build/valgrind
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSCRATCHNET_NATIVE=OFF \
  -DSCRATCHNET_OPENMP=OFF -DSCRATCHNET_BUILD_TESTS=OFF -DSCRATCHNET_BUILD_BENCHMARKS=OFF \
  -DSCRATCHNET_INSTALL=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target mnist_train mnist_predict

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
memcheck=(valgrind --tool=memcheck --error-exitcode=1 --leak-check=full
          --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
          --num-callers=30)

echo "valgrind.sh: mnist_train under memcheck"
"${memcheck[@]}" --log-file="$work/train.log" "$build/examples/mnist_train" --data "$data" \
  --limit-train 300 --limit-test 100 --epochs 1 --hidden 32 --batch 50 --save "$work/model.bin" \
  || { cat "$work/train.log" >&2; echo "valgrind.sh: memcheck found errors in mnist_train" >&2; exit 1; }
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|in use at exit" "$work/train.log"

echo "valgrind.sh: mnist_predict under memcheck"
"${memcheck[@]}" --log-file="$work/predict.log" "$build/examples/mnist_predict" \
  --model "$work/model.bin" --data "$data" --limit-test 100 \
  || { cat "$work/predict.log" >&2; echo "valgrind.sh: memcheck found errors in mnist_predict" >&2; exit 1; }
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|in use at exit" "$work/predict.log"
echo "valgrind.sh: no memcheck errors"
