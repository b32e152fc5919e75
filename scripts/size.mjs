// Prints what the package ships: the wasm and the JS glue, raw and gzip -9.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'pkg';
// --no-ceiling: report only (scripts/size-floor.sh measures a build that is not the package).
const reportOnly = process.argv.includes('--no-ceiling');
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

// The ratchet: the package may not grow past the last accepted size (scripts/size-ceiling,
// gzip bytes) while it is over the first budget (docs/architecture.md §6). A change that must grow it raises the
// number in the same commit and says why; one that shrinks it lowers the number.
if (reportOnly) process.exit(0);
const ceilingFile = new URL('./size-ceiling', import.meta.url);
const ceiling = Number(readFileSync(ceilingFile, 'utf8').trim());
if (!Number.isInteger(ceiling) || ceiling <= 0) {
  console.error(`scripts/size-ceiling must hold a positive integer (gzip bytes)`);
  process.exit(1);
}
if (zipped > ceiling) {
  console.error(`package size ${zipped} B gzip -9 is over the accepted ceiling ${ceiling} B (scripts/size-ceiling): ` +
    `shrink it, or raise the ceiling in the same commit and say why`);
  process.exit(1);
}
console.log(`within the accepted ceiling of ${ceiling} B gzip -9 (scripts/size-ceiling)`);
