#!/usr/bin/env bash
# The package as scripts/build-pkg.sh builds it, but with the wasm's function
# names kept (no --remove-name-section, wasm-opt -g), for CPU profiles that name
# Rust functions: node --cpu-prof with bench/profile-report.mjs. Not for size.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/pkg-named}
cargo build --quiet --profile client --target wasm32-unknown-unknown --lib
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen target/wasm32-unknown-unknown/client/jifen.wasm --target web --out-dir "$out" --out-name jifen_wasm
node_modules/.bin/wasm-opt -Oz -g \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue \
  "$out/jifen_wasm_bg.wasm" -o "$out/jifen_wasm_bg.wasm"
cp -r pkg-template/. "$out/" && rm "$out/wasm_imports.js"
node scripts/pkg-finish.mjs "$out" >/dev/null
echo "named package in $out"
