// Prints what the package ships: the wasm and the JS glue, raw and gzip -9, for the package
// (`jifen`) and, when OUT/sign/ exists, for `jifen/sign` (its own wasm and glue, measured the same way).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'pkg';
// --no-ceiling: report only (scripts/size-floor.sh measures a build that is not the package).
const reportOnly = process.argv.includes('--no-ceiling');
const gz = (b) => gzipSync(b, { level: constants.Z_BEST_COMPRESSION }).length;

/** Prints and sums the wasm and glue under `root` (not under `skip`): what one runtime loads. */
function measure(root, skip) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (p === skip) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(wasm|js|mjs|cjs)$/.test(name)) files.push(p);
    }
  };
  walk(root);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  // The ESM glue and its snippets (the generated .cjs twins replace, not add to, them).
  const glue = files.filter((f) => f.endsWith('jifen_wasm.js') || (f.includes('snippets') && f.endsWith('.js')));
  let raw = 0, zipped = 0;
  for (const f of [...wasm, ...glue]) {
    const b = readFileSync(f);
    raw += b.length; zipped += gz(b);
    console.log(`  ${f.padEnd(48)} ${String(b.length).padStart(8)} B  gzip -9 ${String(gz(b)).padStart(7)} B`);
  }
  return { raw, zipped };
}

// The ratchet: neither may grow past its last accepted size (gzip bytes in the ceiling file) while it
// is over its budget (DESIGN's budgets, docs/size.md). A change that must grow one raises its number in
// the same commit and says why in docs/size.md; one that shrinks it lowers the number.
function ratchet(what, zipped, file) {
  const ceiling = Number(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim());
  if (!Number.isInteger(ceiling) || ceiling <= 0) {
    console.error(`scripts/${file} must hold a positive integer (gzip bytes)`);
    process.exit(1);
  }
  if (zipped > ceiling) {
    console.error(`${what} ${zipped} B gzip -9 is over the accepted ceiling ${ceiling} B (scripts/${file}): ` +
      `shrink it, or raise the ceiling in the same commit and say why`);
    process.exit(1);
  }
  console.log(`within the accepted ceiling of ${ceiling} B gzip -9 (scripts/${file})`);
}

const signDir = join(dir, 'sign');
const pkg = measure(dir, signDir);
console.log(`package size (wasm + glue): ${pkg.raw} B raw, ${pkg.zipped} B gzip -9 (budget 112100)`);
if (!reportOnly) ratchet('package size', pkg.zipped, 'size-ceiling');
if (existsSync(signDir)) {
  const sign = measure(signDir);
  console.log(`jifen/sign size (wasm + glue): ${sign.raw} B raw, ${sign.zipped} B gzip -9 (budget 40960)`);
  if (!reportOnly) ratchet('jifen/sign size', sign.zipped, 'size-ceiling-sign');
}
