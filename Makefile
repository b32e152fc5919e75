# jifen: `make demo` runs the demo against the local vendor simulator;
# `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER := /usr/bin/chromedriver
# Fixed port for the simulator the wasm tests talk to (baked in at compile time).
WASM_SIM_PORT ?= 18787
WASM_RUNNER := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner JIFEN_SIM_URL=http://127.0.0.1:$(WASM_SIM_PORT)

.PHONY: all setup build demo sim test lint test-native test-sim test-vectors test-wasm test-node test-runtimes test-gateway test-admin bench bench-smoke clean

all: build

setup:
	@./scripts/setup.sh

build: setup
	@./scripts/build-pkg.sh pkg

sim:
	node sim/main.mjs

demo: build
	node examples/demo.mjs

test: setup lint test-native test-vectors test-sim build test-wasm test-node test-runtimes test-gateway test-admin bench-smoke
	@echo "make test: all suites passed"

lint:
	cargo fmt --all -- --check
	cargo clippy --quiet --all-targets -- -D warnings
	cargo clippy --quiet --target wasm32-unknown-unknown --lib $(patsubst tests/%.rs,--test %,$(wildcard tests/wasm*.rs)) -- -D warnings

test-native:
	cargo test --all-targets
	cargo test --doc

test-vectors:
	node tests/vectors/freemud/check.mjs
	node tests/vectors/qimai/check.mjs

test-sim:
	node --test sim/test/

# The wasm tests in Node, headless Chromium and a dedicated worker, each run
# checked for "N passed" with N > 0 (a runner that skips everything exits 0).
test-wasm:
	@./scripts/with-sim.sh $(WASM_SIM_PORT) ./scripts/test-wasm.sh

test-node:
	node --test tests/node/

# The built package from every runtime it claims (Node 20/22 ESM+CJS, Bun, Deno, workerd, headless
# Chromium), one smoke test each, against a simulator the test starts; and the hand-written
# declarations: a consumer file passes `tsc --noEmit --strict`, wrong uses fail it. tests/runtimes/.
test-runtimes:
	node --test tests/runtimes/

# The admin page (www-demo/) in Debian's chromium via playwright-core, against
# the gateway on workerd and the simulator; screenshots to test-output/admin/.
test-admin:
	node --test tests/admin/

# The edge gateway (www-demo/worker/) under workerd against the simulator;
# each test file starts both on free ports and stops them by PID.
test-gateway:
	node --test tests/gateway/

# Benchmarks (BENCHMARKS.md; not part of `make test`): criterion natively, then the package in
# Node and in workerd against JS signers, cold start and size, and the gateway end to end on workerd. Numbers
# also land in bench/out/*.json. Run on a quiet machine; each script prints the load it ran under.
bench: build
	cargo bench --bench signing
	node bench/criterion-table.mjs bench/out/criterion.json
	node bench/node-bench.mjs --out bench/out/node.json
	node bench/workerd-bench.mjs --out bench/out/workerd.json
	node bench/cold-start.mjs --out bench/out/cold-start.json
	node bench/e2e.mjs --out bench/out/e2e.json

# Every benchmark with tiny iteration counts, so the harness cannot rot: criterion and
# benches/profile.rs in test mode, the baselines' byte-identity checks, one cold start, a short e2e.
bench-smoke: build
	cargo test --benches
	node bench/node-bench.mjs --quick
	node bench/workerd-bench.mjs --quick
	node bench/cold-start.mjs --quick
	node bench/e2e.mjs --quick

clean:
	cargo clean; rm -rf pkg node_modules
