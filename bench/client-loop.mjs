// The vendor layer of the e2e route without the network: jifen's
// Client.getBalance and the plain-JS client (bench/plain-gateway/jifen.js)
// against a stub fetch that answers like the simulator, in one process,
// alternating. Shows what the gateway's extra CPU per request is made of;
// with node --cpu-prof on a names-kept build (bench/build-named.sh), where.
//
//   node bench/client-loop.mjs [pkgDir] [n]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { jifen as plain } from './plain-gateway/jifen.js';

const dir = process.argv[2] ?? 'pkg';
const n = Number(process.argv[3] ?? 20000);
const { Client } = await import(new URL(`../${dir}/node.js`, import.meta.url));
const acc = JSON.parse(readFileSync(new URL('../sim/accounts.json', import.meta.url))).kingdee;
const config = { vendor: 'kingdee', clientId: acc.clientId, clientSecret: acc.clientSecret, outerInstanceId: acc.outerInstanceId, baseUrl: 'http://sim.invalid/kingdee' };

// Canned simulator replies (sim/kingdee.mjs shapes).
const member = { db_modify_time: '2023-03-01 10:00:00', id: '1480000000000000001', mobile: '13800138000', name: '张三' };
const replies = {
  push_app_authorize: { code: 200, msg: 'success', data: [{ appKey: acc.appKey, appSecret: acc.appSecret, domain: acc.domain, accountId: '1790000000000000001', status: 1 }] },
  kingdee_auth_token: { errcode: 0, description: '成功', data: { access_token: 'x', 'app-token': 'stub-app-token-not-real', expires: Date.now() + 86400000, uid: 1 } },
  account_balance_info: { errcode: 0, description: 'success', data: { integral: { member, mb_card: { card_no: 'VIP0001', db_modify_time: member.db_modify_time, id: '1490000000000000001' }, total: '800', level_total: '800', last: '500', pre: '0', usable: '500' }, recharge: { accu_gift: '0', accu_recharge: '0', available_gift: '0', available_recharge: '0', gift_amt: '0', member, pre_ver_gift: '0', pre_ver_recharge: '0', re_charge_amt: '0' }, credit: null } },
};
const texts = Object.fromEntries(Object.entries(replies).map(([k, v]) => [k, JSON.stringify(v)]));
const stubFetch = async (url) => {
  const op = String(url).split('?')[0].split('/').pop();
  return new Response(texts[op], { status: 200, headers: { 'content-type': 'application/json' } });
};
globalThis.fetch = stubFetch; // the plain client calls the global fetch

const j = new Client(config, { fetch: stubFetch });
const p = new plain.Client(config);
const args = { member: { id: '1480000000000000001', cardId: '1490000000000000001' } };
const a = await j.getBalance(args);
const b = await p.getBalance(args);
if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`different answers:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);

async function loop(c, k) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < k; i++) await c.getBalance(args);
  const u = process.cpuUsage(cpu);
  return { wall: ((performance.now() - t) * 1000) / k, cpu: (u.user + u.system) / k };
}
for (const c of [j, p]) await loop(c, n / 10);
if (process.env.ONLY === 'jifen') { await loop(j, n); process.exit(0); }
const res = { jifen: [], plain: [] };
for (let r = 0; r < 5; r++) { res.jifen.push(await loop(j, n / 5)); res.plain.push(await loop(p, n / 5)); }
const med = (xs, k) => xs.map((x) => x[k]).sort((x, y) => x - y)[2];
console.log(`getBalance with a stub fetch, per call (median of 5 rounds): jifen ${med(res.jifen, 'wall').toFixed(1)} µs wall / ${med(res.jifen, 'cpu').toFixed(1)} µs CPU; plain JS ${med(res.plain, 'wall').toFixed(1)} µs wall / ${med(res.plain, 'cpu').toFixed(1)} µs CPU`);
