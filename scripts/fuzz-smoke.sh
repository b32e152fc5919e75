#!/usr/bin/env bash
# Builds every cargo-fuzz target and runs each from its committed corpus
# (fuzz/corpus/<target>/, seeded by scripts/fuzz-seed.mjs) for FUZZ_SECONDS
# (default 12; 9 targets ≈ 2.5 minutes on 2 cores, measured 168 s at 15). Fails on a crash, a
# timeout, an out-of-memory, or a run that executed nothing. New inputs go to a
# scratch directory, never into the committed corpus; a crash is saved under
# fuzz/artifacts/<target>/ and the reproduction command is printed.
#
# cargo-fuzz needs nightly flags (-Z sanitizer options, -Cpasses=sancov);
# RUSTC_BOOTSTRAP=1 lets the stable 1.95 toolchain accept them. No sanitizer:
# the crate forbids unsafe code, so what matters is panics and overflows
# (-a: debug assertions, overflow checks) in release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1
secs=${FUZZ_SECONDS:-12}
flags=(--fuzz-dir fuzz -O -a -s none)
cargo fuzz build "${flags[@]}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for t in $(cargo fuzz list --fuzz-dir fuzz); do
  mkdir -p "$scratch/$t" "fuzz/corpus/$t"
  log="$scratch/$t.log"
  # -timeout: one input taking > 10 s is a hang; -rss_limit_mb: memory blow-ups fail too.
  if ! timeout $((secs + 60)) cargo fuzz run "${flags[@]}" "$t" "$scratch/$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz $t: FAILED"; grep -E "panicked|ERROR|SUMMARY|Test unit written|Reproduce with|cargo fuzz run" "$log" | head -20
    status=1; continue
  fi
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1)
  seeds=$(ls "fuzz/corpus/$t" | wc -l)
  if [ "${runs:-0}" -eq 0 ]; then
    echo "fuzz $t: executed nothing"; tail -20 "$log"; status=1
  else
    echo "fuzz $t: $runs runs in ${secs}s from $seeds seeds, no crash"
  fi
done
exit $status
