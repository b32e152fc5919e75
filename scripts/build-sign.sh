#!/usr/bin/env bash
# Builds `jifen/sign` into OUT/sign/ (called by scripts/build-pkg.sh after the main package): the wasm
# without the `js-client` feature (`Signer`, `buildRequest`, `verifyCallback`; no `Client`, no fetch),
# through the same cargo → wasm-bindgen → wasm-opt -Oz → pkg-finish → esbuild steps as the main
# package (scripts/wasm-steps.sh), its JS snippet cut down to what its wasm uses (scripts/trim-snippets.mjs). Its entry files and types come from pkg-template/sign/, which
# build-pkg.sh has already copied to OUT/sign/. It shares target/floor with scripts/size-floor.sh
# (the same build), so neither rebuilds after the other.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wasm-steps.sh
out=${1:-pkg}/sign
[ -f "$out/node.cjs" ] || { echo "build-sign: $out/node.cjs is missing (pkg-template/sign/ not copied)" >&2; exit 1; }

cargo build --quiet --release --target wasm32-unknown-unknown --lib \
  --no-default-features --target-dir target/floor
# What an earlier run generated goes first (pkg-finish wants exactly one snippets folder).
rm -rf "$out/snippets" "$out"/jifen_wasm* "$out"/jifen_error.*
bindgen_opt target/floor/wasm32-unknown-unknown/release/jifen.wasm "$out"
node scripts/trim-snippets.mjs "$out"
node scripts/pkg-finish.mjs "$out" --sign
minify_glue "$out"
# The minified glue must still load and export the signing API, and nothing of the client.
node -e 'const a = require(process.argv[1]); for (const n of ["buildRequest", "Signer", "verifyCallback", "JifenError", "init"]) if (typeof a[n] !== "function") { console.error("jifen/sign: no " + n); process.exit(1); } if ("Client" in a) { console.error("jifen/sign exports a Client"); process.exit(1); }' "$PWD/$out/node.cjs"
node --input-type=module -e 'const a = await import(process.argv[1]); if (typeof a.buildRequest !== "function" || typeof a.Signer !== "function" || "Client" in a) { console.error("jifen/sign (ESM): wrong API"); process.exit(1); }' "$PWD/$out/node.js"
