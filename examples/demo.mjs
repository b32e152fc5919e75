// `make demo`: starts the vendor simulator, shows a signed Kingdee request as
// a dry run, then runs real calls through the jifen package against the
// simulator, starts the edge gateway (www-demo/worker/) under workerd in front
// of the simulator, and keeps both serving (Ctrl-C stops them).
// SIM_PORT picks the simulator's port (default 8700, not 8787, which is `wrangler dev`'s; 0 = any
// free port), GATEWAY_PORT the gateway's (default SIM_PORT + 1; 0 if SIM_PORT is 0), DEMO_VENDOR the gateway's vendor
// (kingdee, freemud or qimai; default kingdee), DEMO_ADMIN_TOKEN its admin token and
// DEMO_ADMIN_ORIGIN the admin page's origin (default: the page served here). ADMIN_PORT picks the
// admin page's port (default SIM_PORT + 2, i.e. 8702; 0 if SIM_PORT is 0).
// DEMO_EXIT=1 exits after the walkthrough.
import { readFileSync } from 'node:fs';
import { startSim } from '../sim/server.mjs';
import { startGateway } from '../www-demo/worker/gateway.mjs';
import { startAdminServer } from '../www-demo/serve.mjs';
import { buildRequest, Client, JifenError } from '../pkg/node.js';

const port = process.env.SIM_PORT ? Number(process.env.SIM_PORT) : 8700;
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

// 3. The edge gateway: the vendor credentials stay in workerd's env bindings;
// the admin page holds only the demo admin token.
const vendor = process.env.DEMO_VENDOR ?? 'kingdee';
// A demo token for a gateway on 127.0.0.1 in front of the simulator: guards nothing real.
const adminToken = process.env.DEMO_ADMIN_TOKEN ?? 'demo-admin-token-not-a-secret';
// Two more people, each with their own made-up token: an operator (at most 500 points a change) and a viewer.
const DEMO_STAFF = [
  { id: 'wang', name: '王芳', role: 'operator', limit: 500, token: 'demo-operator-token-not-a-secret' },
  { id: 'li', name: '李雷', role: 'viewer', token: 'demo-viewer-token-not-a-secret' },
];
const gatewayPort = process.env.GATEWAY_PORT ? Number(process.env.GATEWAY_PORT) : port === 0 ? 0 : sim.port + 1;
const adminPort = process.env.ADMIN_PORT ? Number(process.env.ADMIN_PORT) : port === 0 ? 0 : sim.port + 2;
let gateway, adminPage;
try {
  // The admin page (www-demo/) first: its origin is the one the gateway lets in.
  adminPage = await startAdminServer({ port: adminPort });
  const adminOrigin = process.env.DEMO_ADMIN_ORIGIN ?? adminPage.url;
  gateway = await startGateway({ vendor, credentials: accounts[vendor], upstream: `${sim.url}/${vendor}`, adminToken, adminOrigin, port: gatewayPort,
    staff: DEMO_STAFF, bindings: { STORE_NAME: '演示店', MAX_CHANGE: '100000', CONFIRM_ABOVE: '1000' } });
} catch (e) {
  await adminPage?.close();
  await sim.close();
  throw e;
}
const adminOrigin = process.env.DEMO_ADMIN_ORIGIN ?? adminPage.url;
const demoMember = { kingdee: 'id:1480000000000000001,card:1490000000000000001', freemud: 'id:115589208394311926', qimai: 'id:383933091455959041' }[vendor];
console.log(`\n3. The edge gateway (workerd pid ${gateway.pid}) fronts ${vendor} at ${gateway.url}`);
console.log(`   admin token: ${adminToken}   admin origin: ${adminOrigin}`);
// The store that keeps a points change from being applied twice (Kingdee has no idempotency key of
// its own; a gateway without a shared, durable store refuses Kingdee adjustments).
console.log(`   idempotency store: JifenCoordinator Durable Object, on disk in ${gateway.storageDir} (temporary: removed when the demo stops, like the simulator's state)`);
const balancePath = `/api/balance?member=${demoMember}`;
const viaGateway = await fetch(gateway.url + balancePath, { headers: { authorization: `Bearer ${adminToken}` } });
const answer = await viaGateway.json();
console.log(`   GET ${balancePath} → HTTP ${viaGateway.status} ${viaGateway.ok ? `available ${answer.available}` : answer.error.code}`);
console.log(`   try: curl -H 'Authorization: Bearer ${adminToken}' '${gateway.url}${balancePath}'`);

// 4. The admin page, with the gateway, its token and the simulator (for in-page signing) in the fragment.
const adminUrl = `${adminPage.url}/#gateway=${gateway.url}&token=${encodeURIComponent(adminToken)}&sim=${sim.url}`;
const lookupHint = { kingdee: 'member id 1480000000000000001 with card id 1490000000000000001', freemud: 'mobile 18616703980', qimai: 'mobile 13700137000' }[vendor];
console.log(`\n4. The admin page 积分管理: open ${adminUrl}`);
for (const p of DEMO_STAFF) {
  console.log(`   as ${p.name} (${p.role}${p.limit ? `, at most ${p.limit} points a change` : ''}): ${adminPage.url}/#gateway=${gateway.url}&token=${encodeURIComponent(p.token)}`);
}
console.log(`   look up ${lookupHint}`);

if (process.env.DEMO_EXIT === '1') {
  await gateway.stop();
  await adminPage.close();
  await sim.close();
} else {
  console.log(`\nThe simulator keeps serving at ${sim.url} — point a client's baseUrl at ${sim.url}/<vendor> — the gateway at ${gateway.url} and the admin page at ${adminPage.url}/. Ctrl-C to stop.`);
  const stop = async () => { await gateway.stop(); await adminPage.close(); await sim.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
