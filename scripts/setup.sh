#!/usr/bin/env bash
# Installs what `make` needs and is missing, from the package registries only
# (crates.io, npm, Debian). Idempotent: a no-op on a machine that has it all.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must equal the wasm-bindgen crate version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$want" != "$have" ]; then
  echo "setup: installing wasm-bindgen-cli $want (have: ${have:-none}); takes a few minutes"
  # Not --locked: the locked set names a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$want"
fi

# wasm-pack for `wasm-pack test --node` / `--headless --chrome` (make test-wasm), from crates.io:
# npm's wasm-pack downloads binaries from GitHub. About 10 minutes cold on 2 cores, seconds once
# installed. scripts/test-wasm.sh runs it with `--mode no-install`, so it uses the wasm-bindgen
# installed above and downloads nothing.
wasm_pack=0.15.1
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}' || true)" != "$wasm_pack" ]; then
  echo "setup: installing wasm-pack $wasm_pack from crates.io (about 10 minutes cold)"
  cargo install wasm-pack --version "$wasm_pack"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "setup: installing Debian's chromium and chromium-driver"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# A CJK font, so the admin page's screenshots (tests/admin) show Chinese, not boxes.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "setup: installing a CJK font (fonts-wqy-microhei) for the admin page screenshots"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-microhei >/dev/null
fi

# npm dev tools (binaryen's wasm-opt, esbuild, workerd, playwright-core, typescript):
# exact versions in package.json; `npm install`, since `npm ci` rejects lockfiles written here.
if ! node -e 'const p=require("./package.json");for(const d of Object.keys(p.devDependencies)){require.resolve(d+"/package.json")}' 2>/dev/null; then
  echo "setup: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi

# cargo-fuzz for `make fuzz-smoke` (its nightly flags run on stable with RUSTC_BOOTSTRAP=1).
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz (a few minutes)"
  cargo install cargo-fuzz --version 0.13.2
fi
