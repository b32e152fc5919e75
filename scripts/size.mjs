// Prints what the package ships: the wasm and the JS glue, raw and gzip -9.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'pkg';
const gz = (b) => gzipSync(b, { level: constants.Z_BEST_COMPRESSION }).length;
const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(wasm|js|mjs|cjs)$/.test(name)) files.push(p);
  }
};
walk(dir);
let raw = 0, zipped = 0;
const wasm = files.filter((f) => f.endsWith('.wasm'));
// What one runtime loads: the ESM glue and its snippets (the generated .cjs twins replace, not add to, them).
const glue = files.filter((f) => f.endsWith('jifen_wasm.js') || (f.includes('snippets') && f.endsWith('.js')));
for (const f of [...wasm, ...glue]) {
  const b = readFileSync(f);
  raw += b.length; zipped += gz(b);
  console.log(`  ${f.padEnd(48)} ${String(b.length).padStart(8)} B  gzip -9 ${String(gz(b)).padStart(7)} B`);
}
console.log(`package size (wasm + glue): ${raw} B raw, ${zipped} B gzip -9 (budget 60000, aim 45000)`);
