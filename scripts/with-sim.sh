#!/usr/bin/env bash
# Usage: with-sim.sh PORT CMD...: starts the simulator on 127.0.0.1:PORT, runs
# CMD, stops the simulator by its PID, and exits with CMD's status.
set -uo pipefail
port=$1; shift
cd "$(dirname "$0")/.."
# Refuse a port something already answers on: tests would talk to that server instead.
if node -e "fetch('http://127.0.0.1:$port/').then(()=>process.exit(0),()=>process.exit(1))"; then
  echo "with-sim: 127.0.0.1:$port is already in use (another simulator or test run?); set WASM_SIM_PORT" >&2
  exit 1
fi
# The simulator's request log goes to JIFEN_LOG_DIR when set (make test greps it for secrets).
logdir=${JIFEN_LOG_DIR:-${TMPDIR:-/tmp}}
mkdir -p "$logdir"
simlog="$logdir/jifen-sim-$port.log"
SIM_PORT=$port node sim/main.mjs > "$simlog" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  if node -e "fetch('http://127.0.0.1:$port/_sim/state').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "simulator failed to start:"; cat "$simlog"; exit 1; fi
  sleep 0.1
done
"$@"
