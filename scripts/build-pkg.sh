#!/usr/bin/env bash
# Builds the npm package into pkg/: cargo → wasm-bindgen (--target web) → wasm-opt (binaryen from
# npm; never Debian's, which corrupts wasm-bindgen output) → the hand-written entry points, types and
# README from pkg-template/ → scripts/pkg-finish.mjs (JifenError re-export, CommonJS twins of the
# glue, a load check). One _bg.wasm serves every entry of `jifen`; `jifen/sign` (pkg/sign/) has its
# own, smaller one (scripts/build-sign.sh). Prints the sizes that ship.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/wasm-steps.sh
out=${1:-pkg}

# One line per step, with the seconds since the start: a cold build is about 90 s of cargo,
# and a silent minute looks like a hang.
start=$SECONDS
step() { echo "build [$((SECONDS - start)) s] $*"; }

step "1/6 cargo build --profile client --target wasm32-unknown-unknown (about 90 s from cold, seconds when nothing changed)"
cargo build --quiet --profile client --target wasm32-unknown-unknown --lib
step "2/6 wasm-bindgen and wasm-opt -Oz into $out/"
rm -rf "$out" && mkdir -p "$out"
bindgen_opt target/wasm32-unknown-unknown/client/jifen.wasm "$out"
step "3/6 entry points, types, README, licences and changelog"
cp -r pkg-template/. "$out/"
# wasm_imports.js ships once, as the glue's snippet (snippets/jifen/pkg-template/): not at the root too.
rm "$out/wasm_imports.js"
# The licence texts and the changelog live once, at the repository root.
cp LICENSE-MIT LICENSE-APACHE CHANGELOG.md "$out/"
node scripts/pkg-finish.mjs "$out"
step "4/6 minifying the JS glue"
# Minified after pkg-finish, whose ESM-to-CommonJS conversion reads the glue line by line.
minify_glue "$out"
step "5/6 checking that the package loads (CommonJS and ESM), and its size"
# The minified glue must still load and export the API (CommonJS and ESM entries).
node -e 'const a = require(process.argv[1]); for (const n of ["buildRequest", "Client", "verifyCallback", "JifenError"]) if (typeof a[n] !== "function") { console.error("minified glue: no " + n); process.exit(1); }' "$PWD/$out/node.cjs"
node --input-type=module -e 'const a = await import(process.argv[1]); if (typeof a.buildRequest !== "function" || typeof a.Client !== "function") { console.error("minified glue (ESM): no API"); process.exit(1); }' "$PWD/$out/node.js"

# The `jifen` command (cli.js, from pkg-template/) and what `jifen sim` and `jifen/sim` run: the
# simulator's server modules, accounts and made-up keys (not its foreground script, tests or README),
# copied from sim/ so the repository holds them once. Not counted in the size below (Node only).
chmod +x "$out/cli.js"
mkdir -p "$out/sim/keys"
cp sim/index.mjs sim/server.mjs sim/faults.mjs sim/kingdee.mjs sim/freemud.mjs sim/qimai.mjs sim/util.mjs \
  sim/accounts.json sim/seed.json "$out/sim/"
cp sim/keys/merchant_public.pem sim/keys/platform_private.pem "$out/sim/keys/"

step "6/6 jifen/sign: the signing API's own wasm into $out/sign/ (scripts/build-sign.sh; about 60 s from cold)"
./scripts/build-sign.sh "$out"

node scripts/size.mjs "$out"

