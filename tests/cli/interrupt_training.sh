#!/bin/sh
# Ctrl-C during training, as a user gives it (or SIGTERM, as a batch system
# sends it, or SIGHUP, as a closed terminal does): starts TRAIN with its arguments,
# waits until the network line says training has begun (loading the data may
# take many seconds on a busy machine; a SIGINT before the handler is set
# would simply kill the program), lets it train for a second, sends SIGNAL
# once (a terminal's Ctrl-C is one signal; `timeout -s INT` signals the
# program and then its process group, and a second signal ends mnist_train
# at once, by design) and exits with the program's exit code. Its output is
# in OUT.
#   interrupt_training.sh SIGNAL OUT TRAIN [ARG...]     (SIGNAL: INT, TERM, HUP)
signal=$1
out=$2
shift 2
"$@" >"$out" 2>&1 &
pid=$!
waited=0
until grep -q '^network:' "$out"; do
  if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge 1200 ]; then
    echo "interrupt_training.sh: training did not start" >&2
    kill "$pid" 2>/dev/null
    exit 99
  fi
  sleep 0.1
  waited=$((waited + 1))
done
sleep 1
kill -"$signal" "$pid"
wait "$pid"
