#!/usr/bin/env bash
# Runs the wasm tests against the simulator at $JIFEN_SIM_URL (scripts/with-sim.sh sets it) and
# fails unless every run reports "N passed" with N > 0 and nothing failed: a runner that skips a
# suite exits 0, so the exit status alone proves nothing.
#   1. `wasm-pack test --node`: tests/wasm*.rs without a configured runtime, in Node;
#   2. `wasm-pack test --headless --chrome`: tests/wasm_browser.rs (the same suites, configured
#      `run_in_browser`) in Debian's headless Chromium through /usr/bin/chromedriver;
#   3. the same suites in a dedicated worker, through cargo and the runner (wasm-pack has no flag
#      for it; WASM_BINDGEN_USE_DEDICATED_WORKER picks it).
# wasm-pack is `cargo install`ed by scripts/setup.sh; `--mode no-install` makes it use the local
# wasm-bindgen (the version in Cargo.lock) and never download one.
set -uo pipefail
cd "$(dirname "$0")/.."
: "${JIFEN_SIM_URL:?JIFEN_SIM_URL must name the simulator (run through scripts/with-sim.sh)}"
export JIFEN_SIM_URL
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
status=0

# Fresh simulator state per run: the Kingdee token endpoint allows 2 calls a minute.
reset_sim() {
  node -e "fetch(process.env.JIFEN_SIM_URL + '/_sim/reset', {method: 'POST'}).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
    || { echo "simulator reset failed"; status=1; }
}

# check LOG LABEL SUITE...: each SUITE (a tests/<suite>.rs) reported "ok. N passed", N > 0.
check() {
  local log=$1 label=$2; shift 2
  if grep -qE 'test result: FAILED|[1-9][0-9]* failed' "$log"; then
    echo "wasm tests FAILED: $label"; tail -40 "$log"; status=1; return
  fi
  for suite in "$@"; do
    # cargo prints "Running tests/<suite>.rs (…)", then the runner's lines (one of them
    # "Running headless tests in Chrome …"), then "test result".
    local passed
    passed=$(awk -v s="tests/$suite.rs" '$1 == "Running" && ($2 == "unittests" || $2 ~ /\.rs$/) { on = ($2 == s) } $1 == "Doc-tests" { on = 0 } on && /test result: ok\. [0-9]+ passed/ { for (i = 1; i <= NF; i++) if ($i == "passed;") print $(i-1); on = 0 }' "$log" | tail -1)
    if [ "${passed:-0}" -eq 0 ]; then
      echo "wasm tests ran nothing: $suite in $label"; tail -40 "$log"; status=1
    else
      echo "wasm $suite in $label: $passed passed"
    fi
  done
}

suites=$(ls tests/wasm*.rs | xargs -n1 basename | sed 's/\.rs$//' | grep -vx wasm_browser)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

reset_sim
wasm-pack test --node --mode no-install 2>&1 | tee "$log" | grep -E "^test |test result|Running tests/wasm|panicked|error" || true
check "$log" "Node (wasm-pack test --node)" $suites

reset_sim
wasm-pack test --headless --chrome --mode no-install 2>&1 | tee "$log" | grep -E "^test |test result|Running tests/wasm|panicked|error" || true
check "$log" "Chromium (wasm-pack test --headless --chrome)" wasm_browser

for t in $suites; do
  reset_sim
  WASM_BINDGEN_USE_DEDICATED_WORKER=1 cargo test --target wasm32-unknown-unknown --test "$t" 2>&1 | tee "$log" | grep -E "^test |test result|panicked|error" || true
  check "$log" "a dedicated worker" "$t"
done
exit $status
