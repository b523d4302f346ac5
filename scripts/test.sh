#!/usr/bin/env bash
# Builds and runs the whole test suite: optimised with warnings as errors (with
# each fuzz target of fuzz/ for 30 s), then again under AddressSanitizer +
# UndefinedBehaviorSanitizer.
#   scripts/test.sh                   release and asan presets
#   scripts/test.sh --all-compilers   also the clang preset
#   scripts/test.sh --aarch64         also the aarch64 preset: a cross build whose
#                                     tests run under qemu-user
set -euo pipefail
cd "$(dirname "$0")/.."

presets=(release asan)
setup_args=()
for arg in "$@"; do
  case "$arg" in
    --all-compilers) presets+=(clang); setup_args+=(--all-compilers) ;;
    --aarch64) presets+=(aarch64); setup_args+=(--aarch64) ;;
    *) echo "test.sh: unknown option '$arg' (use --all-compilers or --aarch64)" >&2; exit 2 ;;
  esac
done

# --fuzz: clang++ and its libFuzzer runtime, for the fuzz smoke tests.
scripts/setup-deps.sh --fuzz "${setup_args[@]}"
jobs=$(nproc)
for preset in "${presets[@]}"; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
echo "test.sh: all presets passed (${presets[*]})"
