# jifen: `make demo` runs the demo against the local vendor simulator;
# `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
# Every suite's output is kept under $(LOGS) (tee; pipefail keeps the suite's
# exit status) and `check-secrets` greps it all for the test credentials.
LOGS := test-output/logs
.SHELLFLAGS := -o pipefail -c
LOG = 2>&1 | { mkdir -p $(LOGS) && tee -a $(LOGS)/$@.log; }
export JIFEN_LOG_DIR := $(CURDIR)/$(LOGS)

.PHONY: all setup build demo sim test lint test-native test-sim test-vectors test-wasm test-node test-cli test-runtimes test-examples test-gateway test-admin test-fleet test-chaos chaos size-floor load fuzz-smoke check-secrets clean-logs bench bench-smoke clean

all: build

setup:
	@./scripts/setup.sh

# The package into pkg/: `jifen`'s wasm and entries, then `jifen/sign`'s own, smaller wasm into pkg/sign/
# (scripts/build-sign.sh); prints both sizes and fails past either ceiling (scripts/size-ceiling,
# scripts/size-ceiling-sign).
build: setup
	@./scripts/build-pkg.sh pkg

# What signing alone weighs (the wasm without the JS Client): docs/size.md, "The floor". The same build
# as jifen/sign's wasm (target/floor), measured without the ceiling.
size-floor: setup
	@./scripts/size-floor.sh

sim:
	node sim/main.mjs

# Prints each step: the tools (installed only where missing), the package build (scripts/build-pkg.sh,
# one line per step with the seconds so far), then the walkthrough and the servers.
demo:
	@echo "make demo: checking the tools (scripts/setup.sh installs only what is missing)"
	@./scripts/setup.sh
	@echo "make demo: building the package into pkg/"
	@./scripts/build-pkg.sh pkg
	@echo "make demo: starting the simulator, the walkthrough, the gateway and the admin page"
	@node examples/demo.mjs

test: setup clean-logs lint test-native test-vectors test-sim build size-floor test-wasm test-node test-cli test-runtimes test-examples test-gateway test-admin test-fleet test-chaos fuzz-smoke bench-smoke check-secrets
	@echo "make test: all suites passed"

clean-logs:
	rm -rf $(LOGS) && mkdir -p $(LOGS)

lint:
	cargo fmt --all -- --check
	cargo fmt --manifest-path fuzz/Cargo.toml -- --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --lib $(patsubst tests/%.rs,--test %,$(wildcard tests/wasm*.rs)) -- -D warnings
	# The JavaScript the wasm imports (src/wasm/js.rs binds it), through Deno's built-in linter (npm `deno`).
	node_modules/.bin/deno lint pkg-template/wasm_imports.js

test-native:
	cargo test --all-targets $(LOG)
	cargo test --doc $(LOG)

test-vectors:
	node tests/vectors/freemud/check.mjs $(LOG)
	node tests/vectors/qimai/check.mjs $(LOG)
	node tests/vectors/json/gen.mjs --check $(LOG)

test-sim:
	node --test sim/test/ $(LOG)

# The wasm tests through `wasm-pack test --node` and `wasm-pack test --headless --chrome`, and in a
# dedicated worker, each run checked for "N passed" with N > 0 (a runner that skips everything
# exits 0), against a simulator on a port the system picks (its URL is baked into the tests at
# compile time, so they relink each run: a few seconds).
test-wasm:
	@./scripts/with-sim.sh ./scripts/test-wasm.sh $(LOG)

test-node:
	node --test tests/node/ $(LOG)

# `jifen` (pkg/cli.js) against the simulator: sign = buildRequest with credentials masked, --curl runs,
# call/points, bad input → one sentence and status 2, no test secret in anything it prints (~16 s).
test-cli:
	node --test tests/cli/ $(LOG)

# The package as users get it: `npm pack` pkg/, install the tarball in a scratch project, run every
# example in examples/ there under `jifen sim` (Node ESM/CJS, TypeScript, Bun, Deno, the browser page
# in Chromium, the Worker in `wrangler dev`); `wrangler deploy --dry-run` bundles the Worker example and
# the gateway, and the gateway answers in `wrangler dev` (~25 s warm, ~55 s the first time).
test-examples:
	node --test tests/examples/ $(LOG)

# Every cargo-fuzz target for FUZZ_SECONDS (default 12) each from its committed
# corpus; fails on a crash (scripts/fuzz-smoke.sh).
fuzz-smoke:
	@./scripts/fuzz-smoke.sh $(LOG)

# No test credential in any suite's output (tests/secrets.list); the self-test
# first proves a planted secret is caught.
check-secrets:
	node scripts/check-secrets.mjs --self-test
	node scripts/check-secrets.mjs $(LOGS)

# The built package from every runtime it claims (Node 20/22 ESM+CJS, Bun, Deno, workerd, headless
# Chromium), one smoke test each, against a simulator the test starts; and the hand-written
# declarations: a consumer file passes `tsc --noEmit --strict`, wrong uses fail it. tests/runtimes/.
test-runtimes:
	node --test tests/runtimes/ $(LOG)

# The admin page (www-demo/) in Debian's chromium via playwright-core, against
# the gateway on workerd and the simulator; screenshots to test-output/admin/.
test-admin:
	node --test tests/admin/ $(LOG)

# The edge gateway (www-demo/worker/) under workerd against the simulator;
# each test file starts both on free ports and stops them by PID.
test-gateway:
	node --test tests/gateway/ $(LOG)

# A fleet of gateway isolates under workerd sharing jifen's Durable Object
# (token cache, idempotency store), the KV adapter, and the small load test
# (200 adjustments per vendor; writes test-output/load-ci.json).
test-fleet:
	node --test tests/fleet/ $(LOG)

# The chaos suite's short form (tests/chaos/): its checker's unit test, then the three vendors
# at once through the gateway on workerd with faults, SIGKILL and restart, late writes, clock
# jumps, identical changes from two keys, token storms, two gateways; the end phase moves the
# sim clock past Kingdee's window and retries every unsettled key. Prints the per-scenario
# table; fails unless 0 doubled, lost, false answers and unknown on every vendor.
# 158 s wall on the shared 2-core machine (most of it the end phase's real-time margin).
test-chaos:
	node --test tests/chaos/ $(LOG)

# The long chaos run (280 changes per vendor, 12 callers, 3 kills); writes
# test-output/chaos-long.json. 233 s wall on the shared 2-core machine, after the build.
chaos: build
	node tests/chaos/run.mjs --profile long --log --out test-output/chaos-long.json $(LOG)

# The full load test: 1,000 adjustments from 50 concurrent callers per vendor,
# faults on; prints throughput and p50/p99, writes test-output/load.json.
load: build
	node tests/fleet/load.mjs --adjustments 1000 --callers 50 --vendors qimai,kingdee --out test-output/load.json

# Benchmarks (docs/benchmarks.md; not part of `make test`): criterion natively, then the package in
# Node and in workerd against JS signers, cold start and size, and the gateway end to end on workerd. Numbers
# also land in bench/out/*.json. Run on a quiet machine; each script prints the load it ran under.
bench: build
	cargo bench --bench signing
	node bench/criterion-table.mjs bench/out/criterion.json
	node bench/node-bench.mjs --out bench/out/node.json
	node bench/workerd-bench.mjs --out bench/out/workerd.json
	node bench/cold-start.mjs --out bench/out/cold-start.json
	node bench/e2e.mjs --out bench/out/e2e.json
	node bench/budgets.mjs bench/out

# Every benchmark with tiny iteration counts, so the harness cannot rot: criterion and
# benches/profile.rs in test mode, the baselines' byte-identity checks (each baseline's output against
# jifen's for the same input: node:crypto, crypto.subtle, the plain-JS getBalance client, the plain-JS
# gateway; one differing byte fails), one cold start, a short e2e, the A/B harness on pkg/ alone
# (bench/workerd-ab.mjs, under a second), and the budget table from their JSON.
bench-smoke: build
	cargo test --bench signing --bench profile $(LOG)
	node bench/node-bench.mjs --quick --out target/bench-smoke/node.json $(LOG)
	node bench/workerd-bench.mjs --quick --out target/bench-smoke/workerd.json $(LOG)
	node bench/cold-start.mjs --quick --out target/bench-smoke/cold-start.json $(LOG)
	node bench/e2e.mjs --quick --out target/bench-smoke/e2e.json $(LOG)
	N=20 ROUNDS=1 node bench/workerd-ab.mjs pkg $(LOG)
	node bench/budgets.mjs target/bench-smoke $(LOG)

clean:
	cargo clean; rm -rf pkg node_modules
