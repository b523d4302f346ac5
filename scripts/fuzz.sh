#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang++ (-fsanitize=fuzzer,
# address,undefined) and runs them for SECONDS, all at once (one process per
# target), each on a fresh copy of its seed corpus (fuzz/corpus/<name>).
#   scripts/fuzz.sh SECONDS [TARGET...]   TARGET: idx, model, checkpoint (default all)
#   scripts/fuzz.sh --build [TARGET...]   only build them
# Environment: FUZZ_BUILD_DIR (default build/fuzz) holds the binaries and, in
# work/<target>/, the grown corpus, the log and any crashing input; FUZZ_CXX
# (default clang++) and FUZZ_OPT (default -O1) choose the compiler and its
# optimisation.
# Prints the executions per target; exits 1 if any target found a crash (its
# input is in work/<target>/artifacts/), 2 if the targets cannot be built.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

usage() { echo "usage: scripts/fuzz.sh SECONDS|--build [idx|model|checkpoint]..." >&2; exit 2; }
[ $# -ge 1 ] || usage
seconds=$1
shift
if [ "$seconds" = --build ]; then
  seconds=0
else
  [[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || usage
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx model checkpoint)
for t in "${targets[@]}"; do
  [ -f "fuzz/fuzz_$t.cpp" ] || { echo "fuzz.sh: no target '$t' (fuzz/fuzz_$t.cpp)" >&2; exit 2; }
done

cxx=${FUZZ_CXX:-clang++}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found; install it with scripts/setup-deps.sh --fuzz" >&2
  exit 2
fi
build=${FUZZ_BUILD_DIR:-build/fuzz}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
mkdir -p "$build"

# Lean on purpose (ctest builds these inside its time budget): one translation
# unit per target, line tables only, rebuilt only when a source is newer or
# the flags changed. The targets build in parallel, one clang++ each.
flags=(-std=c++17 "${FUZZ_OPT:--O1}" -gline-tables-only -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -Wall -Wextra -Wpedantic -Wshadow -Wconversion
       -I"$root/include" -I"$root/fuzz" -isystem /usr/include/eigen3
       -DSCRATCHNET_HAS_ZLIB=1)
building=()
for t in "${targets[@]}"; do
  bin="$build/fuzz_$t"
  if [ ! -x "$bin" ] || [ "$(cat "$bin.flags" 2>/dev/null)" != "$cxx ${flags[*]}" ] ||
     [ -n "$(find fuzz include -newer "$bin" -name '*.[ch]pp' -print -quit)" ]; then
    echo "fuzz.sh: building fuzz_$t"
    ("$cxx" "${flags[@]}" "fuzz/fuzz_$t.cpp" -lz -o "$bin.new" >"$build/fuzz_$t.build.log" 2>&1 &&
       mv "$bin.new" "$bin" && echo "$cxx ${flags[*]}" >"$bin.flags") &
    building+=("$t:$!")
  fi
done
built=0
for entry in ${building[@]+"${building[@]}"}; do
  if ! wait "${entry#*:}"; then
    echo "fuzz.sh: cannot build fuzz_${entry%%:*} (is libclang-rt-dev installed?" \
         "scripts/setup-deps.sh --fuzz):" >&2
    tail -n 20 "$build/fuzz_${entry%%:*}.build.log" >&2
    built=2
  fi
done
[ "$built" -eq 0 ] || exit 2
[ "$seconds" -gt 0 ] || exit 0

# Each target runs in its own folder; all run at once, and report in order.
pids=()
for t in "${targets[@]}"; do
  work="$build/work/$t"
  rm -rf "$work"
  mkdir -p "$work/artifacts"
  cp -r "fuzz/corpus/$t" "$work/corpus"
  dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="$root/fuzz/$t.dict")
  echo "fuzz.sh: fuzz_$t for $seconds s from $(find "$work/corpus" -type f | wc -l) seeds (log: $work/log)"
  (cd "$work" && exec "$build/fuzz_$t" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -use_value_profile=1 -print_final_stats=1 ${dict[@]+"${dict[@]}"} \
    -artifact_prefix=artifacts/ corpus) >"$work/log" 2>&1 &
  pids+=($!)
done

status=0
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  work="$build/work/$t"
  code=0
  wait "${pids[$i]}" || code=$?
  seeds=$(find "fuzz/corpus/$t" -type f | wc -l)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$work/log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
  corpus=$(find "$work/corpus" -type f | wc -l)
  if [ "$code" -eq 0 ]; then
    echo "fuzz_$t: ${runs:-?} executions in $seconds s (${rate:-?}/s), coverage ${cov:-?}, corpus $seeds -> $corpus inputs (${added:-?} new), no crash"
  else
    status=1
    echo "fuzz_$t: CRASH (exit code $code) after ${runs:-?} executions; inputs:" >&2
    find "$work/artifacts" -type f >&2
    grep -m 5 -E 'ERROR|FUZZ FINDING|runtime error|SUMMARY' "$work/log" >&2 || tail -n 30 "$work/log" >&2
  fi
done
exit $status
