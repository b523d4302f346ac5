#!/usr/bin/env bash
# mnist_train under mpirun, as a user runs it, on a few hundred images:
#   1. -np 1 writes the model the program writes alone, bit for bit;
#   2. -np 2 gives the same model run after run, and the accuracy of one process
#      up to float rounding;
#   3. a checkpoint of -np 2 resumes under -np 3;
#   4. a process killed during training ends the whole job with a message naming
#      it and a non-zero exit, within a minute; the last checkpoint resumes;
#   5. hyperparameter_search on 1 and 2 processes gives the same table, trial by
#      trial (random search, and Bayesian optimisation when BAYES is 1).
#   mpi_programs.sh MPIEXEC TRAIN SEARCH BAYES DATA WORK
set -euo pipefail
mpiexec=$1 train=$2 search=$3 bayes=$4 data=$5 work=$6
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# --oversubscribe: more processes than cores; --allow-run-as-root: CI is root.
mpi=("$mpiexec" --oversubscribe --allow-run-as-root)
small=(--data "$data" --limit-train 600 --limit-test 300 --seed 3)
fail() { echo "mpi_programs.sh: $*" >&2; exit 1; }

"$train" "${small[@]}" --epochs 2 --batchnorm --dropout 0.2 --save alone.model >alone.out
"${mpi[@]}" -np 1 "$train" "${small[@]}" --epochs 2 --batchnorm --dropout 0.2 --save np1.model >np1.out
cmp -s alone.model np1.model || fail "-np 1 wrote another model than the program alone"

"${mpi[@]}" -np 2 "$train" "${small[@]}" --epochs 2 --batchnorm --dropout 0.2 --save np2a.model >np2a.out
"${mpi[@]}" -np 2 "$train" "${small[@]}" --epochs 2 --batchnorm --dropout 0.2 --save np2b.model >np2b.out
cmp -s np2a.model np2b.model || fail "-np 2 wrote two different models in two runs"
grep -q "in each of 2 processes" np2a.out || fail "-np 2 did not say it trains on 2 processes"
[ "$(grep -c '^epoch' np2a.out)" -eq 2 ] || fail "-np 2 printed other than 2 epoch lines (rank 0 alone prints)"

# Without dropout and batch norm the shares add up to the batch: the same
# training as one process, up to float rounding.
accuracy() { sed -n 's/^test accuracy: //p' "$1"; }
"$train" "${small[@]}" --epochs 2 >plain1.out
"${mpi[@]}" -np 2 "$train" "${small[@]}" --epochs 2 >plain2.out
awk -v a="$(accuracy plain1.out)" -v b="$(accuracy plain2.out)" \
  'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0.5 && d <= 0.01) }' ||
  fail "test accuracy $(accuracy plain2.out) on 2 processes, $(accuracy plain1.out) alone"

"${mpi[@]}" -np 2 "$train" "${small[@]}" --epochs 1 --checkpoint run.ckpt >first.out
"${mpi[@]}" -np 3 "$train" "${small[@]}" --epochs 2 --checkpoint run.ckpt --resume >resumed.out
grep -q "resumed from run.ckpt after epoch 1" resumed.out || fail "-np 3 did not resume the -np 2 checkpoint"
grep -q "^epoch  2/2" resumed.out || fail "-np 3 did not train the second epoch"

# A process killed with SIGKILL: mpirun ends the others and says which died.
"${mpi[@]}" -np 2 "$train" --data "$data" --limit-train 400 --limit-test 100 --epochs 100000 \
  --net simple-conv --checkpoint killed.ckpt >killed.out 2>&1 &
job=$!
for _ in $(seq 600); do [ -f killed.ckpt ] && break; sleep 0.1; done
[ -f killed.ckpt ] || fail "no checkpoint within a minute"
rank1=""
for pid in $(pgrep -P "$job"); do
  if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then rank1=$pid; fi
done
[ -n "$rank1" ] || fail "no process of rank 1 under mpirun"
kill -KILL "$rank1"
for _ in $(seq 600); do kill -0 "$job" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$job" 2>/dev/null; then kill -KILL "$job"; fail "the job still runs a minute after rank 1 died"; fi
if wait "$job"; then fail "the job exited 0 after rank 1 died"; fi
grep -q "rank 1" killed.out || fail "mpirun did not name the process that died: $(cat killed.out)"
epochs=$(grep -c '^epoch' killed.out || true)
"${mpi[@]}" -np 2 "$train" --data "$data" --limit-train 400 --limit-test 100 --net simple-conv \
  --epochs $((epochs + 2)) --checkpoint killed.ckpt --resume >after_kill.out
grep -q "resumed from killed.ckpt" after_kill.out || fail "the checkpoint left by the killed job did not resume"
grep -q "^test accuracy" after_kill.out || fail "the resumed job did not finish"
# The table without its seconds column (7), and the curves, must be the same.
search_args=(--data "$data" --samples 100 --trials 6 --epochs 3 --batch 20 --hidden-layers 2
             --hidden-size 20 --best 3)
methods=(random)
[ "$bayes" = 1 ] && methods+=(bayes)
for method in "${methods[@]}"; do
  extra=()
  [ "$method" = bayes ] && extra=(--method bayes --random-trials 3 --round-size 2 --candidates 300)
  for np in 1 2; do
    "${mpi[@]}" -np $np "$search" "${search_args[@]}" "${extra[@]}" --out "search_${method}_$np" \
      >"search_${method}_$np.out"
    cut -d, -f1-6,8 "search_${method}_$np/hyperparameter_search.csv" >"search_${method}_$np.table"
  done
  grep -q "in each of 2 process(es)" "search_${method}_2.out" || fail "the $method search did not run on 2 processes"
  cmp -s "search_${method}_1.table" "search_${method}_2.table" ||
    fail "the $method search on 2 processes gave another table than on 1"
  cmp -s "search_${method}_1/hyperparameter_curves.csv" "search_${method}_2/hyperparameter_curves.csv" ||
    fail "the $method search on 2 processes gave other curves than on 1"
done
echo "mpi_programs.sh: all checks passed"
