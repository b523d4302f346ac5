#!/usr/bin/env bash
# Installs what is missing, builds the release examples and trains the MNIST
# example: 784-100-100-100-100-10, He init, Adam, 10 epochs. Data: $MNIST_DIR
# if set (a folder with the four MNIST IDX files), else Fashion-MNIST from the
# Debian package. Extra arguments go to mnist_train (e.g. --epochs 2).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target mnist_train mnist_predict

data_dir=${MNIST_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p out
build/release/examples/mnist_train --data "$data_dir" \
  --hidden 100,100,100,100 --activation relu --init he --optimizer adam --epochs 10 \
  --save out/demo-model.bin --history out/demo-history.csv --plot out/demo-curves.png "$@"
