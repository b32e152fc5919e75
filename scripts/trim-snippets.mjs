// Usage: node scripts/trim-snippets.mjs DIR
// jifen/sign's JS snippets cut down to what its wasm and glue use. wasm-bindgen copies the binding's hand-written
// JS whole into each build, and jifen/sign's wasm (no client) imports only part of it (no fetch attempt, timers,
// stores or ledger steps). For each snippet under DIR/snippets/, the names kept are those the wasm imports from it
// (its import section), those the glue imports by name, and JifenError (DIR/jifen_error.js hands it out); esbuild
// bundles a re-export of exactly those from the snippet, which drops every function nothing reaches. Run after
// wasm-bindgen and before scripts/pkg-finish.mjs (whose CommonJS twins are made from the trimmed files).
import { readFileSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join, relative, dirname, basename } from 'node:path';
import { execFileSync } from 'node:child_process';

const dir = process.argv[2];
if (!dir) throw new Error('usage: trim-snippets.mjs DIR');
const fail = (msg) => { console.error(`trim-snippets: ${msg}`); process.exit(1); };

const wasm = new WebAssembly.Module(readFileSync(join(dir, 'jifen_wasm_bg.wasm')));
const glue = readFileSync(join(dir, 'jifen_wasm.js'), 'utf8');
const snippets = [];
const walk = (d) => { for (const n of readdirSync(d)) { const p = join(d, n); statSync(p).isDirectory() ? walk(p) : p.endsWith('.js') && snippets.push(p); } };
walk(join(dir, 'snippets'));

for (const file of snippets) {
  const spec = `./${relative(dir, file).split('\\').join('/')}`;
  const keep = new Set(['JifenError']);
  for (const i of WebAssembly.Module.imports(wasm)) if (i.module === spec) keep.add(i.name);
  const esc = spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const m of glue.matchAll(new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*(['"])${esc}\\2`, 'g'))) {
    for (const item of m[1].split(',').map((s) => s.trim()).filter(Boolean)) keep.add(item.split(/\s+as\s+/)[0]);
  }
  const source = readFileSync(file, 'utf8');
  const exported = [...source.matchAll(/^export\s+(?:async\s+)?(?:function|class|const|let)\s+(\w+)/gm)].map((m) => m[1]);
  const missing = [...keep].filter((n) => !exported.includes(n));
  if (missing.length) fail(`${spec} does not export ${missing.join(', ')} (or exports it in a form this script does not read)`);
  const entry = join(dirname(file), `.trim-${basename(file)}`);
  writeFileSync(entry, `export { ${[...keep].join(', ')} } from './${basename(file)}';\n`);
  try {
    execFileSync('node_modules/.bin/esbuild', [entry, '--bundle', '--format=esm', '--log-level=warning', `--outfile=${file}`, '--allow-overwrite']);
  } finally {
    rmSync(entry);
  }
  const dropped = exported.filter((n) => !keep.has(n));
  console.log(`  ${spec}: kept ${keep.size} of ${exported.length} exports${dropped.length ? ` (dropped ${dropped.join(', ')})` : ''}`);
}
