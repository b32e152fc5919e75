# The wasm steps scripts/build-pkg.sh and scripts/size-floor.sh share (sourced, not run),
# so the package and the floor it is measured against are always built the same way.

# bindgen_opt IN.wasm OUTDIR: wasm-bindgen (--target web) into OUTDIR, then wasm-opt -Oz
# (binaryen from npm; never Debian's, which corrupts wasm-bindgen output).
bindgen_opt() {
  wasm-bindgen "$1" --target web --out-dir "$2" --out-name jifen_wasm \
    --remove-name-section --remove-producers-section
  # Features rustc 1.95 enables by default for wasm32; never --all-features.
  node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue \
    "$2/jifen_wasm_bg.wasm" -o "$2/jifen_wasm_bg.wasm"
}

# minify_glue OUTDIR: the generated glue (jifen_wasm.js, its CommonJS twin if any, the
# snippets) with whitespace and syntax minified by esbuild from npm; identifiers, exports
# and class names stay as written. wasm-bindgen 0.2.130 names the one inline snippet module
# once per import group in the glue's imports object (`"./snippets/…/inline0.js": import1,
# …: import2`, the same module each time): harmless, so esbuild's duplicate-key warning is
# silenced.
minify_glue() {
  find "$1" \( -path "$1/snippets/*" -o -name 'jifen_wasm.js' -o -name 'jifen_wasm.cjs' \) \
    \( -name '*.js' -o -name '*.cjs' \) -print0 | while IFS= read -r -d '' f; do
    node_modules/.bin/esbuild "$f" --minify-whitespace --minify-syntax \
      --log-level=warning --log-override:duplicate-object-key=silent \
      --outfile="$f" --allow-overwrite
  done
}
