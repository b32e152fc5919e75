#!/usr/bin/env bash
# The floor: what signing alone weighs. Builds the wasm without the `js-client`
# feature (no `Client` class, ledger iterator or `capabilities()`; only
# `buildRequest` and `verifyCallback`, with every vendor's config reading,
# parameter schemas, signing, keys and callback parsing) through the same
# cargo → wasm-bindgen → wasm-opt -Oz → esbuild steps as scripts/build-pkg.sh
# (scripts/wasm-steps.sh), and
# prints its size the way `make build` prints the package's. Measures only: the
# result is not a package (pkg-template's entries need the Client) and is not shipped.
# Its own target dir, so `make build` is not rebuilt after it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wasm-steps.sh
out=${1:-target/size-floor}

cargo build --quiet --release --target wasm32-unknown-unknown --lib \
  --no-default-features --target-dir target/floor
rm -rf "$out" && mkdir -p "$out"
bindgen_opt target/floor/wasm32-unknown-unknown/release/jifen.wasm "$out"
minify_glue "$out"
echo "signing alone (buildRequest + verifyCallback, no Client):"
node scripts/size.mjs "$out" --no-ceiling
