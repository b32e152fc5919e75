#!/usr/bin/env bash
# Runs the wasm tests once per runtime and fails unless each run reports
# "N passed" with N > 0 and no failures.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export JIFEN_SIM_URL=${JIFEN_SIM_URL:-http://127.0.0.1:${WASM_SIM_PORT:-18787}}
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
status=0
tests=$(ls tests/wasm*.rs | xargs -n1 basename | sed 's/\.rs$//')
for mode in node browser dedicated_worker; do
  case $mode in
    node) envs=() ;;
    browser) envs=(WASM_BINDGEN_USE_BROWSER=1) ;;
    dedicated_worker) envs=(WASM_BINDGEN_USE_DEDICATED_WORKER=1) ;;
  esac
  for t in $tests; do
    # Fresh simulator state per run: the token endpoint allows 2 calls a minute.
    node -e "fetch(process.env.JIFEN_SIM_URL + '/_sim/reset', {method: 'POST'}).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" || { echo "simulator reset failed"; status=1; }
    log=$(mktemp)
    env "${envs[@]}" cargo test --target wasm32-unknown-unknown --test "$t" 2>&1 | tee "$log" | grep -E "^test |test result|panicked|error" || true
    passed=$(grep -Eo 'test result: ok\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' | tail -1)
    if ! grep -q 'test result: ok' "$log" || [ "${passed:-0}" -eq 0 ]; then
      echo "wasm tests FAILED or ran nothing: $t in $mode"; tail -30 "$log"; status=1
    else
      echo "wasm $t in $mode: $passed passed"
    fi
    rm -f "$log"
  done
done
exit $status
