#!/usr/bin/env bash
# scratchnet against PyTorch on the same workloads, one core, one thread each.
#
#   bench/compare.sh                      W1..W5, 5 runs each, build/release
#   bench/compare.sh --runs 3 W6 W7       the convolutional networks (not in the default set:
#                                         an epoch of W7 takes about a minute in either)
#   bench/compare.sh --runs 3 W1 W4       some workloads only
#   bench/compare.sh --build build/h7     epoch_bench of another build tree
#   bench/compare.sh --clock wall         medians of wall time instead of CPU time
#
# Both programs run pinned to one core (taskset -c $CORE, default 0) with every
# thread pool at one thread, alternating (scratchnet, PyTorch, then PyTorch,
# scratchnet, ...) so that a change in the machine's load hits both alike.
# Each run is a fresh process that loads the data, warms up on 10 batches and
# times one epoch of 60,000 samples (W5: one pass over the 10,000 test images).
# The table gives the medians and their ratio, scratchnet / PyTorch (lower is
# better), next to the target of the issue. By default the times are the CPU
# seconds of the process: with one thread on an otherwise idle core they equal
# the wall time, and on a busy machine (other jobs sharing the core) they are
# the steadier measure. The last column is the ratio of the wall-time medians.
# PyTorch flushes denormals to zero, as scratchnet's Trainer does: without it
# the convolutional workloads spend most of their time on denormal arithmetic
# (W6 47.7 s instead of 12.3 s on Zen 4), which would flatter the ratio. And
# glibc's malloc keeps the memory PyTorch frees (the MALLOC_* settings below):
# by default each of its large tensors is a fresh mmap whose pages fault in
# on every step, which on some VMs took most of PyTorch's time (W6 49.7 s,
# 21 s of it in the kernel, against 9.3 s with these settings). scratchnet
# allocates nothing after its first batch (tests/alloc), yet where its first
# batch's buffers land still counts: W6 took 4.00 s with these settings and
# 4.31 s without (medians of 5 pairs, 2026-12-01, AMD EPYC family 26).
# Each of W1-W4 also has its floor, Wn-products: only the matrix products of
# its epoch in a bare Eigen loop, run in the same alternation. The columns
# "floor s" and "x floor" give it and the workload's time as a multiple of it,
# which, unlike the ratio to PyTorch, means the same on every CPU. The last
# two columns do the same for Wn-products+gather+update, the products with the
# two passes of a step that move the most memory (the batch's rows gathered
# from the training set, the update rule): what is left between it and the
# workload is the arithmetic of the layers themselves.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
runs=5
build="$root/build/release"
clock=cpu
core="${CORE:-0}"
python="${PYTHON:-/usr/bin/python3}"
workloads=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --clock) clock="$2"; shift 2 ;;
    --core) core="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    W[1-7]) workloads+=("$1"); shift ;;
    *) echo "compare.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ ${#workloads[@]} -eq 0 ] && workloads=(W1 W2 W3 W4 W5)
case "$clock" in cpu|wall) ;; *) echo "compare.sh: --clock is cpu or wall" >&2; exit 2 ;; esac

bench="$build/bench/epoch_bench"
if [ ! -x "$bench" ]; then
  echo "compare.sh: $bench not found; build it first:" >&2
  echo "  cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release && cmake --build build/release --target epoch_bench" >&2
  exit 1
fi
"$python" -c "import torch" 2>/dev/null || {
  echo "compare.sh: $python cannot import torch; run scripts/setup-deps.sh --bench" >&2
  exit 1
}

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_TOP_PAD_=268435456
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

run() {  # run <tool> <workload>: appends "<tool> <line>" for each measurement
  local tool="$1" w="$2" out
  if [ "$tool" = scratchnet ]; then
    out="$(taskset -c "$core" "$bench" --workload "$w" --runs 1 --threads 1 2>/dev/null)"
  elif [ "$tool" = products ]; then
    out="$(taskset -c "$core" "$bench" --workload "$w-products" --runs 1 --threads 1)"
    out+=$'\n'"$(taskset -c "$core" "$bench" --workload "$w-products+gather+update" --runs 1 --threads 1)"
  else
    out="$(taskset -c "$core" "$python" "$here/torch_mlp.py" --workload "$w" --runs 1 --threads 1 --flush-denormal 2>/dev/null)"
  fi
  sed "s/^/$tool /" <<<"$out" >>"$log"
}

for w in "${workloads[@]}"; do
  for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then
      if [[ "$w" == W[1-4] ]]; then run products "$w"; fi
      run scratchnet "$w"; run pytorch "$w"
    else
      run pytorch "$w"; run scratchnet "$w"
      if [[ "$w" == W[1-4] ]]; then run products "$w"; fi
    fi
    echo "compare.sh: $w run $r/$runs done" >&2
  done
done

# log lines: <tool> <measurement> <seconds|cpu_seconds> <value>
python3 - "$log" "$clock" "$runs" <<'EOF'
import statistics, sys
log, clock, runs = sys.argv[1], sys.argv[2], sys.argv[3]
targets = {"W1": 0.60, "W2": 0.50, "W3": 0.35, "W4": 0.95, "W5-b10000": 1.1, "W5-b1": 0.15,
           "W6": 0.45, "W7": 1.05}
floor_targets = {"W1": 1.10, "W2": 1.10, "W3": 1.10, "W4": 1.03}
times = {}
for line in open(log):
    tool, name, kind, value = line.split()
    times.setdefault((name, kind), {}).setdefault(tool, []).append(float(value))
key = "cpu_seconds" if clock == "cpu" else "seconds"
print(f"one core, one thread each; medians of {runs} runs; {clock} seconds per epoch (W5: per pass over 10,000 images)")
print(f"{'workload':<10} {'scratchnet s':>12} {'PyTorch s':>10} {'ratio':>6} {'target':>6}  {'wall ratio':>10}"
      f"  {'floor s':>8} {'x floor':>7} {'target':>6}          {'+data s':>8} {'x +data':>7}")
def medians(name, kind):
    return {tool: statistics.median(v) for tool, v in times[(name, kind)].items()}
def verdict(value, target):
    return "ok" if value <= target else "MISSED"
for name in ["W1", "W2", "W3", "W4", "W5-b10000", "W5-b1", "W6", "W7"]:
    if (name, key) not in times:
        continue
    m, w = medians(name, key), medians(name, "seconds")
    ratio, wall_ratio = m["scratchnet"] / m["pytorch"], w["scratchnet"] / w["pytorch"]
    line = (f"{name:<10} {m['scratchnet']:>12.4f} {m['pytorch']:>10.4f} {ratio:>6.2f} {targets[name]:>6.2f}"
            f"  {wall_ratio:>10.2f}  {verdict(ratio, targets[name]):<6}")
    if name in floor_targets:
        floor = medians(name + "-products", key)["products"]
        times_floor = m["scratchnet"] / floor
        line += (f"  {floor:>8.4f} {times_floor:>7.2f} {floor_targets[name]:>6.2f}"
                 f"  {verdict(times_floor, floor_targets[name]):<6}")
        with_data = medians(name + "-products+gather+update", key)["products"]
        line += f"  {with_data:>8.4f} {m['scratchnet'] / with_data:>7.2f}"
    print(line)
EOF
