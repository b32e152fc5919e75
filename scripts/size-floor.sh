#!/usr/bin/env bash
# The floor: what signing alone weighs. Builds the wasm without the `js-client`
# feature (no `Client` class, ledger iterator or `capabilities()`; only
# `buildRequest` and `verifyCallback`, with every vendor's config reading,
# parameter schemas, signing, keys and callback parsing) through the same
# cargo → wasm-bindgen → wasm-opt -Oz → esbuild steps as scripts/build-pkg.sh, and
# prints its size the way `make build` prints the package's. Measures only: the
# result is not a package (pkg-template's entries need the Client) and is not shipped.
# Its own target dir, so `make build` is not rebuilt after it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/size-floor}

cargo build --quiet --release --target wasm32-unknown-unknown --lib \
  --no-default-features --target-dir target/floor
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen target/floor/wasm32-unknown-unknown/release/jifen.wasm \
  --target web --out-dir "$out" --out-name jifen_wasm \
  --remove-name-section --remove-producers-section
node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue \
  "$out/jifen_wasm_bg.wasm" -o "$out/jifen_wasm_bg.wasm"
find "$out" \( -path "$out/snippets/*" -o -name 'jifen_wasm.js' \) -name '*.js' -print0 |
  while IFS= read -r -d '' f; do
    node_modules/.bin/esbuild "$f" --minify-whitespace --minify-syntax \
      --log-level=warning --log-override:duplicate-object-key=silent --outfile="$f" --allow-overwrite
  done
echo "signing alone (buildRequest + verifyCallback, no Client):"
node scripts/size.mjs "$out" --no-ceiling
