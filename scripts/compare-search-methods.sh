#!/usr/bin/env bash
# Random search against Bayesian optimisation on the book's search (section
# 6.5.3, issue #19): hyperparameter_search with its defaults (the first 500
# Fashion-MNIST training images, 20% held out for validation, 784-100x6-10
# ReLU He, SGD, 50 epochs; lr = 10^U(-6, -2), weight decay = 10^U(-8, -4)),
# --trials trials by each method for each of --seeds search seeds. Bayesian
# optimisation runs once per count of random trials in --random-trials.
# The runs go --jobs 1 each, as many at a time as the machine has cores.
#
#   scripts/compare-search-methods.sh                  build/release, 10 seeds, 50 trials
#   scripts/compare-search-methods.sh --build-dir DIR  use a hyperparameter_search already built
#   scripts/compare-search-methods.sh --docs           also copy the figure to docs/figures/
#   scripts/compare-search-methods.sh --seeds 3 --trials 20 --random-trials "10 5"
#   scripts/compare-search-methods.sh --keep           runs already in out/search_methods are kept
#
# Writes out/search_methods/: <method>/seed<N>/ (each run's own files),
# best_so_far.csv (per trial count: the mean, lowest and highest over the
# seeds of the best validation accuracy among the first trials, per method),
# search_methods.png, and prints the table of docs/chapter6.md.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=""
copy_docs=0
keep=0
seeds=10
trials=50
random_trials="10 5"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --docs) copy_docs=1; shift ;;
    --keep) keep=1; shift ;;
    --seeds) seeds="$2"; shift 2 ;;
    --trials) trials="$2"; shift 2 ;;
    --random-trials) random_trials="$2"; shift 2 ;;
    *) echo "compare-search-methods.sh: unknown option '$1' (--build-dir DIR, --docs, --keep, --seeds N, --trials N, --random-trials \"K...\")" >&2; exit 2 ;;
  esac
done
if [[ -z "$build_dir" ]]; then
  scripts/build-programs.sh hyperparameter_search
  build_dir=build/release
fi
program=$build_dir/examples/hyperparameter_search
data_dir=${MNIST_DIR:-/usr/share/datasets/fashion-mnist}
out=out/search_methods
[[ $keep -eq 1 ]] || rm -rf "$out"

# method name, then its flags
methods=("random|--method random")
for k in $random_trials; do methods+=("bayes-$k|--method bayes --random-trials $k"); done

runs=()
for entry in "${methods[@]}"; do
  for ((seed = 0; seed < seeds; ++seed)); do runs+=("${entry%%|*}|${entry#*|}|$seed"); done
done
start=$(date +%s)
printf '%s\n' "${runs[@]}" | xargs -P "$(nproc)" -I{} bash -c '
  IFS="|" read -r name flags seed <<< "$1"
  dir='"$out"'/$name/seed$seed
  [[ -f $dir/summary.csv ]] && exit 0
  mkdir -p "$dir"
  '"$program"' --data '"$data_dir"' --trials '"$trials"' --jobs 1 --seed "$seed" $flags \
    --out "$dir" > "$dir.log" 2>&1 || { echo "failed: $name seed $seed (see $dir.log)" >&2; exit 255; }
  echo "done: $name seed $seed"' _ {}
echo "runs took $(( $(date +%s) - start )) s on $(nproc) cores"

# best_so_far.csv: trial, then mean,min,max for each method. Each run's
# hyperparameter_search.csv is rank,trial,lr,weight_decay,validation_accuracy,...
names=()
for entry in "${methods[@]}"; do names+=("${entry%%|*}"); done
{
  printf 'trial'
  for name in "${names[@]}"; do printf ',%s_mean,%s_min,%s_max' "$name" "$name" "$name"; done
  printf '\n'
  for name in "${names[@]}"; do
    for ((seed = 0; seed < seeds; ++seed)); do
      tail -n +2 "$out/$name/seed$seed/hyperparameter_search.csv" | sort -t, -k2,2n |
        awk -F, -v name="$name" -v seed="$seed" \
          '{ best = ($5 > best ? $5 : best); print name, seed, $2, best }'
    done
  done | awk -v trials="$trials" -v names="${names[*]}" '
    { key = $1 SUBSEP $3; sum[key] += $4; n[key]++
      if (!(key in lo) || $4 < lo[key]) lo[key] = $4
      if (!(key in hi) || $4 > hi[key]) hi[key] = $4 }
    END { m = split(names, list, " ")
      for (t = 1; t <= trials; ++t) {
        line = t
        for (i = 1; i <= m; ++i) { key = list[i] SUBSEP t
          line = line sprintf(",%.4f,%.2f,%.2f", sum[key] / n[key], lo[key], hi[key]) }
        print line } }'
} > "$out/best_so_far.csv"

# The best setting each search found after all its trials, trained again
# with 10 seeds it has not used (those of trials trials+1 to trials+10: a
# range of one value repeats the setting, and the same --seed keeps the same
# split): how good the setting is, apart from the luck of the one run that
# put it first on 100 validation images.
printf '%s\n' "${names[@]}" | while read -r name; do
  for ((seed = 0; seed < seeds; ++seed)); do
    IFS=, read -r _ _ lr wd _ < <(sed -n 2p "$out/$name/seed$seed/hyperparameter_search.csv")
    echo "$name|$seed|$lr|$wd"
  done
done | xargs -P "$(nproc)" -I{} bash -c '
  IFS="|" read -r name seed lr wd <<< "$1"
  dir='"$out"'/$name/seed$seed/retrained
  [[ -f $dir/summary.csv ]] && exit 0
  '"$program"' --data '"$data_dir"' --trials '"$((trials + 10))"' --jobs 1 --seed "$seed" \
    --lr-range "$lr,$lr" --weight-decay-range "$wd,$wd" --best 1 --out "$dir" > "$dir.log" 2>&1 ||
    { echo "failed: retraining $name seed $seed (see $dir.log)" >&2; exit 255; }' _ {}
echo "searches and retraining took $(( $(date +%s) - start )) s"

# The table: per method and budget, mean +- standard deviation over the
# seeds, the range, and in how many seeds each Bayesian search is ahead of,
# level with or behind the random search of the same seed.
echo
echo "| method | best after 10 trials | after 20 | after 50 | seeds ahead / level / behind random (after 20; after 50) | best setting after 50, retrained with 10 new seeds |"
echo "|---|---|---|---|---|---|"
for name in "${names[@]}"; do
  for ((seed = 0; seed < seeds; ++seed)); do
    for budget in 10 20 50; do
      for m in random "$name"; do
        tail -n +2 "$out/$m/seed$seed/hyperparameter_search.csv" |
          awk -F, -v b="$budget" '$2 <= b && $5 > best { best = $5 } END { printf "%s ", best + 0 }'
      done
    done
    tail -n +2 "$out/$name/seed$seed/retrained/hyperparameter_search.csv" |
      awk -F, -v t="$trials" '$2 > t { sum += $5; n++ } END { printf "%s\n", sum / n }'
  done | awk -v name="$name" '
    { for (j = 0; j < 3; ++j) { r = $(2 * j + 1); b = $(2 * j + 2)
        s[j] += b; ss[j] += b * b; if (NR == 1 || b < lo[j]) lo[j] = b; if (NR == 1 || b > hi[j]) hi[j] = b
        ahead[j] += b > r; level[j] += b == r; behind[j] += b < r }
      again += $7; again_sq += $7 * $7 }
    END { line = "| " name
      for (j = 0; j < 3; ++j) { mean = s[j] / NR; var = NR > 1 ? (ss[j] - NR * mean * mean) / (NR - 1) : 0
        line = line sprintf(" | %.3f +- %.3f (%.2f-%.2f)", mean, var > 0 ? sqrt(var) : 0, lo[j], hi[j]) }
      vs = name == "random" ? "" : sprintf("%d / %d / %d; %d / %d / %d", ahead[1], level[1], behind[1], ahead[2], level[2], behind[2])
      again_mean = again / NR; again_sd = NR > 1 ? (again_sq - NR * again_mean * again_mean) / (NR - 1) : 0
      print line " | " vs sprintf(" | %.3f +- %.3f |", again_mean, again_sd > 0 ? sqrt(again_sd) : 0) }'
done

gnuplot -e "csv='$out/best_so_far.csv'; out='$out/search_methods.png'; names='${names[*]}'; seeds='$seeds'" \
  examples/plots/search_methods.gp
echo "figure: $out/search_methods.png"
if [[ $copy_docs -eq 1 ]]; then
  cp "$out/search_methods.png" docs/figures/search_methods.png
  echo "copied to docs/figures/search_methods.png"
fi
