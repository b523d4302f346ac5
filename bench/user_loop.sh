#!/usr/bin/env bash
# What scratchnet::native is worth to a user: the same W1 training loop
# (bench/user_loop.cpp) built with the target and with -march=native alone,
# run alternating on one core, RUNS times each (default 5); prints the medians.
#   bench/user_loop.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
build="$root/build/release"
cmake --build "$build" --target user_loop_native user_loop_march_native -j "$(nproc)" >/dev/null
export OMP_NUM_THREADS=1

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A times
for ((r = 1; r <= runs; r++)); do
  for variant in native march_native; do
    seconds=$(taskset -c "${CORE:-0}" "$build/bench/user_loop_$variant" --runs 1 2>/dev/null | awk '{ print $3 }')
    times[$variant]+="$seconds "
  done
done
native=$(tr ' ' '\n' <<<"${times[native]}" | grep . | median)
plain=$(tr ' ' '\n' <<<"${times[march_native]}" | grep . | median)
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p')"
echo "W1 epoch, user loop, median of $runs: scratchnet::native $native s, -march=native alone $plain s," \
  "ratio $(awk -v a="$native" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')"
