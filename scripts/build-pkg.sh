#!/usr/bin/env bash
# Builds the npm package into pkg/: cargo → wasm-bindgen (--target web) → wasm-opt (binaryen from
# npm; never Debian's, which corrupts wasm-bindgen output) → the hand-written entry points, types and
# README from pkg-template/ → scripts/pkg-finish.mjs (JifenError re-export, CommonJS twins of the
# glue, a load check). One _bg.wasm serves every entry. Prints the sizes that ship.
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
cp -r pkg-template/. "$out/"
node scripts/pkg-finish.mjs "$out"

node scripts/size.mjs "$out"
