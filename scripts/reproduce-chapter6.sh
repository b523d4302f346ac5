#!/usr/bin/env bash
# Reproduces every experiment of chapter 6 with the book's settings (100
# search trials): builds the six example programs (release preset) and runs
# them one after the other, each with all cores, writing CSV and PNG to
# out/chapter6/<program>/. Prints each program's wall-clock and CPU seconds
# and the totals (CPU seconds / cores is what the run takes on an idle machine).
#
#   scripts/reproduce-chapter6.sh                 build/release, data from $MNIST_DIR or Fashion-MNIST
#   scripts/reproduce-chapter6.sh --build-dir DIR use programs already built in DIR (no configure)
#   scripts/reproduce-chapter6.sh --docs          also copy the figures to docs/figures/
#   scripts/reproduce-chapter6.sh -- --seed 3     extra flags for every program
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=""
copy_docs=0
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --docs) copy_docs=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "reproduce-chapter6.sh: unknown option '$1' (--build-dir DIR, --docs, -- FLAGS)" >&2; exit 2 ;;
  esac
done

programs=(activation_histogram optimizer_compare weight_init_compare batch_norm_compare overfit
          hyperparameter_search)
if [[ -z "$build_dir" ]]; then
  scripts/build-programs.sh "${programs[@]}"
  build_dir=build/release
fi

data_dir=${MNIST_DIR:-/usr/share/datasets/fashion-mnist}
out=out/chapter6
mkdir -p "$out"
declare -A wall cpu
TIMEFORMAT="%R %U %S"
start_all=$(date +%s.%N)
for program in "${programs[@]}"; do
  echo "== $program"
  # bash's time: wall, user and system seconds of the program alone.
  times=$( { time "$build_dir/examples/$program" --data "$data_dir" --out "$out/$program" \
               "${extra[@]}" > "$out/$program.log" 2> "$out/$program.err"; } 2>&1 ) || {
    cat "$out/$program.err" >&2
    echo "reproduce-chapter6.sh: $program failed (log in $out/$program.log)" >&2
    exit 1
  }
  read -r real user sys <<< "$times"
  wall[$program]=$real
  cpu[$program]=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  tail -n 3 "$out/$program.log"
done
total=$(awk -v a="$(date +%s.%N)" -v b="$start_all" 'BEGIN { print a - b }')

echo
echo "== times on $(nproc) cores (logs in $out/<program>.log)"
printf "  %-22s %8s %8s\n" "program" "wall s" "cpu s"
cpu_total=0
for program in "${programs[@]}"; do
  printf "  %-22s %8.1f %8.1f\n" "$program" "${wall[$program]}" "${cpu[$program]}"
  cpu_total=$(awk -v a="$cpu_total" -v b="${cpu[$program]}" 'BEGIN { print a + b }')
done
printf "  %-22s %8.1f %8.1f\n" "total" "$total" "$cpu_total"

if [[ $copy_docs -eq 1 ]]; then
  mkdir -p docs/figures
  cp "$out"/activation_histogram/*.png "$out/optimizer_compare/optimizer_compare.png" \
     "$out/weight_init_compare/weight_init_compare.png" \
     "$out/batch_norm_compare/batch_norm_compare.png" "$out/overfit/overfit.png" \
     "$out/hyperparameter_search/hyperparameter_search.png" docs/figures/
  echo "figures copied to docs/figures/"
fi
