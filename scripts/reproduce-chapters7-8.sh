#!/usr/bin/env bash
# Reproduces the gallery of docs/chapter7.md: SimpleConvNet and DeepConvNet
# trained for 20 epochs (Adam 0.001, batch 100) on three seeds each, their
# learning curves in one figure, DeepConvNet's misclassified test images (the
# book's figure 8-3) and the first layer's filters (figure 7-24). Writes to
# out/chapter7-8/. On one thread a DeepConvNet run takes about 15 minutes, so
# the whole takes about an hour; --threads 2 (passed to every run) helps.
#
#   scripts/reproduce-chapters7-8.sh                  build/release, data from $MNIST_DIR or Fashion-MNIST
#   scripts/reproduce-chapters7-8.sh --build-dir DIR  programs already built in DIR (no configure)
#   scripts/reproduce-chapters7-8.sh --docs           also copy the figures to docs/figures/
#   scripts/reproduce-chapters7-8.sh --epochs 1 -- --limit-train 500   a trial: fewer epochs, extra mnist_train flags
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=""
copy_docs=0
epochs=20
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --docs) copy_docs=1; shift ;;
    --epochs) epochs="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "reproduce-chapters7-8.sh: unknown option '$1' (--build-dir DIR, --docs, --epochs N, -- FLAGS)" >&2; exit 2 ;;
  esac
done

programs=(mnist_train mnist_predict conv_filters)
if [[ -z "$build_dir" ]]; then
  scripts/build-programs.sh "${programs[@]}"
  build_dir=build/release
fi

data_dir=${MNIST_DIR:-/usr/share/datasets/fashion-mnist}
out=out/chapter7-8
mkdir -p "$out"
for net in simple-conv deep-conv; do
  for seed in 0 1 2; do
    run="$out/$net-s$seed"
    echo "== $net, seed $seed"
    "$build_dir/examples/mnist_train" --data "$data_dir" --net "$net" --epochs "$epochs" --seed "$seed" \
      --history "$run.csv" --save "$run.model" "${extra[@]}" > "$run.log"
    tail -n 1 "$run.log"
  done
done
"$build_dir/examples/mnist_predict" --data "$data_dir" --model "$out/deep-conv-s0.model" \
  --misclassified "$out/deep_conv_misclassified.png" | tail -n 2
"$build_dir/examples/conv_filters" --data "$data_dir" --out "$out/conv_filters" \
  --train-size 60000 --epochs 2 | tail -n 1
gnuplot -e "dir='$out'; out='$out/conv_learning_curves.png'" examples/plots/conv_learning_curves.gp

echo
echo "== final test accuracy (epoch, train, test) per seed"
for net in simple-conv deep-conv; do
  for seed in 0 1 2; do
    printf "  %-12s seed %d  %s\n" "$net" "$seed" "$(tail -n 1 "$out/$net-s$seed.csv" | cut -d, -f1,3,4)"
  done
done

if [[ $copy_docs -eq 1 ]]; then
  mkdir -p docs/figures
  cp "$out/conv_learning_curves.png" "$out/deep_conv_misclassified.png" \
     "$out/conv_filters/conv_filters.png" "$out/conv_filters/activations.png" docs/figures/
  mv docs/figures/activations.png docs/figures/conv_activations.png
  echo "figures copied to docs/figures/"
fi
