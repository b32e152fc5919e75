// The cost of the gateway's duplicate-key scan (www-demo/worker/src/json.js) next to JSON.parse:
// a 64 KB body (the default MAX_BODY_BYTES) of 5-key objects, and a typical adjust body.
// node bench/json-duplicate-keys.mjs
import { findDuplicateKey } from '../www-demo/worker/src/json.js';
const items = []; let s = '';
for (let i = 0; ; i++) { items.push({ member: `id:${1e15 + i}`, delta: i, reason: 'promotion', orderId: `O-${i}`, remark: 'a\u00e9"b' }); s = JSON.stringify(items); if (s.length > 64 * 1024) { items.pop(); s = JSON.stringify(items); break; } }
const adj = JSON.stringify({ member: 'mobile:13800138000', delta: 10, reason: 'promotion' });
const time = (fn, n) => { for (let i = 0; i < 200; i++) fn(); const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) fn(); return Number(process.hrtime.bigint() - t) / n / 1e6; };
console.log(`body ${s.length} B, ${items.length} objects`);
const p = time(() => JSON.parse(s), 2000), d = time(() => findDuplicateKey(s), 2000);
console.log(`JSON.parse ${p.toFixed(3)} ms, scan ${d.toFixed(3)} ms per 64 KB body`);
const pa = time(() => JSON.parse(adj), 200000), da = time(() => findDuplicateKey(adj), 200000);
console.log(`adjust body ${adj.length} B: JSON.parse ${(pa * 1000).toFixed(2)} µs, scan ${(da * 1000).toFixed(2)} µs`);
