#!/usr/bin/env bash
# Builds the npm package into pkg/: cargo → wasm-bindgen → wasm-opt (binaryen
# from npm; never Debian's, which corrupts wasm-bindgen output) → the
# hand-written entry points from pkg-template/. Prints the sizes that ship.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-pkg}

cargo build --quiet --release --target wasm32-unknown-unknown --lib
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen target/wasm32-unknown-unknown/release/jifen.wasm \
  --target web --out-dir "$out" --out-name jifen_wasm \
  --remove-name-section --remove-producers-section
# Features rustc 1.95 enables by default for wasm32; never --all-features.
node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue \
  "$out/jifen_wasm_bg.wasm" -o "$out/jifen_wasm_bg.wasm"
# The JS glue with whitespace and syntax minified (esbuild from npm); identifiers,
# exports and class names stay as wasm-bindgen wrote them.
find "$out" -name '*.js' -print0 | while IFS= read -r -d '' f; do
  node_modules/.bin/esbuild "$f" --minify-whitespace --minify-syntax --format=esm \
    --log-level=warning --outfile="$f" --allow-overwrite
done
cp -r pkg-template/. "$out/"
rm -f "$out/.gitignore" "$out/jifen_wasm.d.ts.orig"

node scripts/size.mjs "$out"
