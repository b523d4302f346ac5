#!/usr/bin/env bash
# Installs what the project needs and builds the given programs in the
# release preset (build/release): the first step of the reproduce-* scripts.
#
#   scripts/build-programs.sh mnist_train conv_filters
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target "$@"
