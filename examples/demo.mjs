// `make demo`: starts the vendor simulator, shows a signed Kingdee request as
// a dry run, then runs real calls through the jifen package against the
// simulator, and keeps the simulator serving (Ctrl-C stops it).
// SIM_PORT picks the port (default 8787; 0 = any free port). DEMO_EXIT=1 exits after the walkthrough.
import { readFileSync } from 'node:fs';
import { startSim } from '../sim/server.mjs';
import { buildRequest, Client, JifenError } from '../pkg/node.js';

const port = process.env.SIM_PORT ? Number(process.env.SIM_PORT) : 8787;
const accounts = JSON.parse(readFileSync(new URL('../sim/accounts.json', import.meta.url)));
const sim = await startSim({ port, log: true });
const kingdee = { ...accounts.kingdee, baseUrl: `${sim.url}/kingdee` };
const mask = (h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, /signature|token/i.test(k) ? v.slice(0, 8) + '…' : v]));

console.log(`\njifen demo — vendor simulator listening on ${sim.url} (kingdee, freemud, qimai; state at ${sim.url}/_sim/state)\n`);

console.log('1. A signed Kingdee request, built but not sent (buildRequest):');
const req = await buildRequest(kingdee, '/jdy/v2/ls/integral_adjust',
  { mobile: '13800138000', integral: 10, operation: 5 }, { appToken: 'app-token-from-cache', domain: kingdee.domain });
console.log(`   ${req.method} ${req.url}`);
for (const [k, v] of Object.entries(mask(req.headers))) console.log(`   ${k}: ${v}`);
console.log(`   body: ${req.body}`);
console.log(`   string signed: ${JSON.stringify(req.stringToSign)}\n`);

console.log('2. The same through a Client, for real, against the simulator:');
const client = new Client(kingdee);
const member = { member_id: '1480000000000000001', member_card_id: '1490000000000000001' };
try {
  const before = await client.call('/jdy/v2/ls/account_balance_info', member);
  console.log(`   ${before.integral.member.name} (${before.integral.member.mobile}) has ${before.integral.usable} points`);
  await client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 10, operation: 5 });
  const after = await client.call('/jdy/v2/ls/account_balance_info', member);
  console.log(`   +10 (促销赠送) → ${after.integral.usable} points`);
  const page = await client.call('/jdy/v2/ls/integral_record', { mobile: '13800138000', page: 1, page_size: 3 });
  for (const r of page.rows) console.log(`   ledger ${r.create_time}  ${String(r.occur).padStart(5)}  → ${r.integral}  ${r.type_name}`);
  await client.call('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: -1000000, operation: 1 });
} catch (e) {
  if (!(e instanceof JifenError)) throw e;
  console.log(`   refused as expected: JifenError ${e.code} (vendor code ${e.vendorCode}): ${e.message}`);
}

if (process.env.DEMO_EXIT === '1') {
  await sim.close();
} else {
  console.log(`\nThe simulator keeps serving at ${sim.url} — point a client's baseUrl at ${sim.url}/<vendor>. Ctrl-C to stop.`);
  const stop = async () => { await sim.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
