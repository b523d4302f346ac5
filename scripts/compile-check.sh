#!/usr/bin/env bash
# Warnings as errors, whatever this machine's CPU: compiles the library (every
# header, every template for float and double, optimised) for the fixed
# x86-64 targets v2 (SSE4.2), v3 (AVX2) and v4 (AVX-512; compiling needs no
# AVX-512 CPU), and the programs' sources for the last target named, with g++
# and clang++ (tests/compile_check/CMakeLists.txt). The suite itself builds for
# -march=native without -Werror, so that no user's CPU can fail it.
#   scripts/compile-check.sh              the three targets
#   scripts/compile-check.sh x86-64-v4    the targets named (CI checks v4)
set -euo pipefail
cd "$(dirname "$0")/.."

compilers=(g++ clang++)
targets=(x86-64-v2 x86-64-v3 x86-64-v4)
[ $# -gt 0 ] && targets=("$@")

scripts/setup-deps.sh --all-compilers
jobs=$(nproc)
start=$SECONDS
builds=()
for compiler in "${compilers[@]}"; do
  for target in "${targets[@]}"; do
    build="build/check-$compiler-$target"
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$compiler" \
      -DSCRATCHNET_COMPILE_CHECK=ON -DSCRATCHNET_MARCH="$target" \
      -DSCRATCHNET_WARNINGS_AS_ERRORS=ON >/dev/null
    builds+=("$build")
  done
done

# The library is one translation unit per build: as many builds at once as
# there are cores.
pids=()
for build in "${builds[@]}"; do
  echo "== compile check: library, ${build#build/check-}"
  cmake --build "$build" --target scratchnet_instantiate_all >"$build/check.log" 2>&1 &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    cat "${builds[$i]}/check.log" >&2
    echo "compile-check.sh: warnings or errors in ${builds[$i]#build/check-}" >&2
    failed=1
  fi
done
[ $failed -eq 0 ] || exit 1

# The programs' sources: front-end warnings only, so once per compiler, in
# the build of the last target.
for compiler in "${compilers[@]}"; do
  echo "== compile check: programs, $compiler-${targets[-1]}"
  cmake --build "build/check-$compiler-${targets[-1]}" -j "$jobs" --target scratchnet_program_sources
done
echo "compile-check.sh: no warning for ${compilers[*]} x ${targets[*]} ($((SECONDS - start)) s)"
