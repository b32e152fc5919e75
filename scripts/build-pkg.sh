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
# The generated glue (ESM and its CommonJS twins) with whitespace and syntax minified
# (esbuild from npm); identifiers, exports and class names stay as written. After
# pkg-finish, whose ESM-to-CommonJS conversion reads the glue line by line.
# wasm-bindgen 0.2.130 names the one inline snippet module once per import group in
# the glue's imports object (`"./snippets/…/inline0.js": import1, …: import2`, the
# same module each time): harmless, so esbuild's duplicate-key warning is silenced.
find "$out" \( -path "$out/snippets/*" -o -name 'jifen_wasm.js' -o -name 'jifen_wasm.cjs' \) \
  \( -name '*.js' -o -name '*.cjs' \) -print0 | while IFS= read -r -d '' f; do
  node_modules/.bin/esbuild "$f" --minify-whitespace --minify-syntax \
    --log-level=warning --log-override:duplicate-object-key=silent \
    --outfile="$f" --allow-overwrite
done
# The minified glue must still load and export the API (CommonJS and ESM entries).
node -e 'const a = require(process.argv[1]); for (const n of ["buildRequest", "Client", "verifyCallback", "JifenError"]) if (typeof a[n] !== "function") { console.error("minified glue: no " + n); process.exit(1); }' "$PWD/$out/node.cjs"
node --input-type=module -e 'const a = await import(process.argv[1]); if (typeof a.buildRequest !== "function" || typeof a.Client !== "function") { console.error("minified glue (ESM): no API"); process.exit(1); }' "$PWD/$out/node.js"

node scripts/size.mjs "$out"
