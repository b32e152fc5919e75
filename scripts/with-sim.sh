#!/usr/bin/env bash
# Usage: with-sim.sh CMD...: starts the simulator on 127.0.0.1 on a port the system picks (or on
# $WASM_SIM_PORT when set), runs CMD with JIFEN_SIM_URL naming it, stops the simulator by its PID,
# and exits with CMD's status. No fixed port, so two `make test` runs can run at once.
set -uo pipefail
cd "$(dirname "$0")/.."
port=${WASM_SIM_PORT:-0}
# The simulator's request log goes to JIFEN_LOG_DIR when set (make test greps it for secrets).
logdir=${JIFEN_LOG_DIR:-${TMPDIR:-/tmp}}
mkdir -p "$logdir"
simlog=$(mktemp "$logdir/jifen-sim-XXXXXX.log")
SIM_PORT=$port node sim/main.mjs > "$simlog" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
url=
for _ in $(seq 1 100); do
  # main.mjs prints "… listening on http://127.0.0.1:<port>" once it listens.
  url=$(grep -Eom1 'http://127\.0\.0\.1:[0-9]+' "$simlog" || true)
  if [ -n "$url" ]; then break; fi
  if ! kill -0 $pid 2>/dev/null; then echo "simulator failed to start:"; cat "$simlog"; exit 1; fi
  sleep 0.1
done
if [ -z "$url" ]; then echo "simulator did not start within 10 s:"; cat "$simlog"; exit 1; fi
echo "with-sim: simulator at $url (log: $simlog)"
JIFEN_SIM_URL=$url "$@"
