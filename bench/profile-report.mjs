// Summarises a .cpuprofile (node --cpu-prof): time by file (wasm, glue, GC,
// …) and the functions with the most inclusive time, Rust names included when
// the wasm keeps its name section (bench/build-named.sh).
//
//   node bench/profile-report.mjs FILE.cpuprofile [top]
import { readFileSync } from 'node:fs';

const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const top = Number(process.argv[3] ?? 40);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map();
let total = 0;
p.samples.forEach((id, i) => { const dt = p.timeDeltas[i] ?? 0; self.set(id, (self.get(id) ?? 0) + dt); total += dt; });
const file = (n) => n.callFrame.url.split('/').pop().replace(/-[0-9a-f]{8}$/, '') || n.callFrame.functionName;
const name = (n) => `${(n.callFrame.functionName || '(anonymous)').replace(/::h[0-9a-f]{16}/, '')}  [${file(n)}]`;
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;

const files = new Map();
const incl = new Map();
for (const [id, t] of self) {
  const n = byId.get(id);
  files.set(file(n), (files.get(file(n)) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = name(byId.get(cur));
    if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t); }
  }
}
console.log(`${(total / 1000).toFixed(0)} ms sampled\n\nby file:`);
for (const [k, t] of [...files].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${pct(t)}  ${k}`);
console.log('\ninclusive (a function and everything it calls):');
for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).filter(([k]) => !/^\((root|program|idle)\)|^\(anonymous\)  \[\]/.test(k)).slice(0, top)) console.log(`${pct(t)}  ${k.slice(0, 140)}`);
const selfBy = new Map();
for (const [id, t] of self) { const k = name(byId.get(id)); selfBy.set(k, (selfBy.get(k) ?? 0) + t); }
console.log('\nself (a function alone, not what it calls):');
for (const [k, t] of [...selfBy].sort((a, b) => b[1] - a[1]).filter(([k]) => !/^\((root|program|idle)\)/.test(k)).slice(0, top)) console.log(`${pct(t)}  ${k.slice(0, 140)}`);
