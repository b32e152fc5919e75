// Splits a CPU profile of the getBalance loop (bench/workerd-balance-profile.mjs) into the parts of a call:
// each sample goes to the innermost listed function on its stack (the allocator, GC and the await's
// crossing by the sampled function itself), scaled to a per-call CPU time given from workerd-ab.mjs.
//
//   node bench/profile-groups.mjs target/balance.cpuprofile 92      # 92 µs per call, measured apart
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const perCall = Number(process.argv[3]);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) => (n.callFrame.functionName || '(anon)') + ' @' + n.callFrame.url.split('/').pop();
// First matching group along the stack from the leaf up (innermost wins).
const groups = [
  ['the result into JS (to_js: JSON text written in Rust, JSON.parse)', /wasm::convert::to_js/],
  ['reading the args (from_js: JSON.stringify, Rust parse)', /wasm::convert::from_js/],
  ['Kingdee signing (sign_request) and the attempt (nonce, token copies)', /kingdee_exchange::\{\{closure\}\}::\{\{closure\}\}|kingdee::sign_request/],
  ['the reply: JSON parse and envelope checks (parse_envelope)', /^core::ops::function::Fn::call|json::Json::parse|parse_envelope/],
  ['the result mapping (result_json, result_schema, balance_reply)', /result_json|result_schema|balance_reply|balance_result|object_of/],
  ['params check and query (prepare_with)', /prepare_with/],
  ['the stub fetch\'s Response (both clients pay it)', /^Response @|stubFetch/],
  ['the fetch helper jifen_send (timer, AbortController, headers, body copy)', /jifen_send @|^receive @|AbortController|arrayBuffer|__wbg_jifen_send|__wbg_body|__wbg_head|__wbg_status|__wbg_message/],
  ['the await crossing (JsFuture closures, wake, executor; self time)', /JsFuture|__wbindgen_generic|cb_unref|promise::run|promise::poll|wake_by_ref|^real @|closures_____invoke|destroy_closure|convert::closures/],
  ['allocator (malloc, free, realloc)', /dlmalloc|__rdl_|__rust_alloc|__rust_dealloc|raw_vec/],
  ['garbage collector', /garbage collector/],
];
const sums = new Map(groups.map(([g]) => [g, 0])); let other = 0, rustOther = 0, total = 0, idle = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0; const leaf = byId.get(id);
  if (/\(idle\)/.test(name(leaf))) { idle += dt; return; }
  total += dt;
  // allocator and GC by leaf; others by first ancestor match (innermost first).
  let g = null;
  for (const [gn, re] of groups.slice(-3)) if (re.test(name(leaf))) g = gn;
  for (let cur = id; !g && cur !== undefined; cur = parent.get(cur)) { const n = name(byId.get(cur)); for (const [gn, re] of groups.slice(0, -3)) if (re.test(n)) { g = gn; break; } }
  if (g) sums.set(g, sums.get(g) + dt); else if (/jifen\.wasm/.test(name(leaf))) rustOther += dt; else other += dt;
});
const row = (k, v) => console.log(`| ${k} | ${(100 * v / total).toFixed(1)} % | ${(perCall * v / total).toFixed(1)} µs |`);
for (const [k, v] of [...sums].sort((a, b) => b[1] - a[1])) row(k, v);
row('other Rust (the client state machine, pipeline, session, pack, clock)', rustOther);
row('other JS and native (glue, promises, microtasks, (program))', other);
