// Seeds fuzz/corpus/<target>/ from the test vectors and from real replies of the simulator
// (recorded through the built package), so every fuzz run starts from inputs that reach deep
// into the parsers. The corpora are committed; rerun after adding vectors: `node scripts/fuzz-seed.mjs`
// (needs `make build`). Each file is named by the SHA-1 of its bytes, as libFuzzer names its finds.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim } from '../sim/server.mjs';
import { Client } from '../pkg/node.js';

const root = new URL('..', import.meta.url).pathname;
const corpus = (target) => { const d = join(root, 'fuzz/corpus', target); mkdirSync(d, { recursive: true }); return d; };
let written = 0;
function seed(target, bytes) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  writeFileSync(join(corpus(target), createHash('sha1').update(buf).digest('hex')), buf);
  written += 1;
}

// The operation tables, in the order of each vendor's `OPERATIONS` (the targets index them by a byte).
const OPS = {
  kingdee: ['/jdyconnector/app_management/push_app_authorize', '/jdyconnector/app_management/kingdee_auth_token',
    '/jdy/v2/ls/integral_adjust', '/jdy/v2/ls/integral_record', '/jdy/v2/ls/account_balance_info'],
  freemud: ['/member/getMemberInfoByIdOrMobile', '/member/getMembers', '/member/score/opt/1', '/member/score/opt/15',
    '/member/score/updateScore', '/member/score/sendScore', '/member/score/returnScore', '/member/score/statisticalScore',
    '/member/score/getScoreRecords'],
  qimai: ['user.points-add', 'user.user-points-records', 'communal.user.identity', 'communal.user.gether-customer-info',
    '/v3/crm/points/getCustomerPoints', '/v3/crm/points/addCustomerPoints', '/v3/crm/points/reducePoints',
    '/v3/crm/points/reversePoints', '/v3/crm/customer/getCrmPointsFlow', '/v3/crm/customer/gatherCustomerInfo',
    '/v3/crm/customer/allCustomerInfo', '/v3/crm/customer/getCustomerIdByPhone'],
};
// The status tables of the response targets.
const STATUS = { kingdee: [200, 519, 429, 500, 503, 404], freemud: [200, 429, 500, 503, 404], qimai: [200, 429, 500, 503, 404] };

// 1. Vectors: every vector file is JSON; keys for the loader; strings for the encoders and builders.
const vectorFiles = [];
for (const vendor of ['kingdee', 'freemud', 'qimai']) {
  for (const f of readdirSync(join(root, 'tests/vectors', vendor))) if (f.endsWith('.json')) vectorFiles.push(join(root, 'tests/vectors', vendor, f));
}
for (const f of [...vectorFiles, join(root, 'sim/seed.json'), join(root, 'sim/accounts.json')]) seed('json', readFileSync(f));
for (const f of readdirSync(join(root, 'tests/vectors/freemud/keys'))) {
  if (!f.endsWith('.md')) seed('key_loader', readFileSync(join(root, 'tests/vectors/freemud/keys', f)));
}
for (const f of vectorFiles) {
  const v = JSON.parse(readFileSync(f, 'utf8'));
  for (const k of ['wire_query', 'canonical', 'string_to_sign', 'canonical_query']) if (typeof v[k] === 'string') seed('encoders', v[k]);
  if (v.fields && typeof v.fields === 'object') seed('encoders', JSON.stringify(v.fields));
  if (Array.isArray(v.query)) seed('encoders', v.query.map(([k, val]) => `${k}=${val}`).join('&'));
  if (v.kind === 'callback' && typeof v.body === 'string') seed('freemud_callback', v.body);
  if (v.fields && typeof v.fields.requestBody === 'string') seed('build_request', Buffer.concat([Buffer.from([2]), Buffer.from(v.fields.requestBody)]));
  if (Array.isArray(v.query)) seed('build_request', Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(Object.fromEntries(v.query)))]));
  if (v.params && typeof v.params === 'object') seed('build_request', Buffer.concat([Buffer.from([5]), Buffer.from(JSON.stringify(v.params))]));
}
for (const d of ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994',
  '2024-02-01 12:00:00', 'Thu, 01 Jan 1970 00:00:00 GMT120']) seed('http_headers', d);

// 2. Replies: every operation of every vendor against the simulator, success and error shapes.
const sim = await startSim({ port: 0 });
const accounts = JSON.parse(readFileSync(join(root, 'sim/accounts.json'), 'utf8'));
const recorded = [];
const recordingFetch = (vendor) => async (url, init) => {
  const resp = await fetch(url, init);
  const body = Buffer.from(await resp.arrayBuffer());
  const path = new URL(url).pathname.replace(`/${vendor}`, '');
  const op = vendor === 'qimai' && path === '/api/v2' ? JSON.parse(init.body).Action : path;
  recorded.push({ vendor, op, status: resp.status, body });
  return new Response(body, { status: resp.status, headers: resp.headers });
};
const calls = {
  kingdee: [
    ['/jdy/v2/ls/account_balance_info', { member_id: '1480000000000000001', member_card_id: '1490000000000000001' }],
    ['/jdy/v2/ls/integral_record', { mobile: '13800138000', page: 1, page_size: 2 }],
    ['/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 5, operation: 5 }],
    ['/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: -100000, operation: 1 }],
    ['/jdy/v2/ls/account_balance_info', { member_id: '1', member_card_id: '2' }],
  ],
  freemud: [
    ['/member/getMemberInfoByIdOrMobile', { memberId: '115589208394311926', showScoreSwitch: 1 }],
    ['/member/getMembers', { pageNum: 1, pageSize: 2 }],
    ['/member/score/opt/1', { memberId: '115589208394311926', score: 3, operationType: 1, idempotencyBussinessId: 'seed-a' }],
    ['/member/score/opt/15', { memberId: '115589208394311926', score: 1, operationType: 14, idempotencyBussinessId: 'seed-b' }],
    ['/member/score/updateScore', { memberId: '115589208394311926', changeScore: 1, changeType: 1, operationType: 1, idempotencyBussinessId: 'seed-c' }],
    ['/member/score/sendScore', { memberId: '115589208394311926', score: 1, operationType: 1, idempotencyBussinessId: 'seed-d', idempotencyBussinessType: 1 }],
    ['/member/score/statisticalScore', { memberId: '115589208394311926' }],
    ['/member/score/getScoreRecords', { memberId: '115589208394311926', pageNum: 1, pageSize: 5 }],
    ['/member/score/opt/15', { memberId: '115589208394311926', score: 99999, operationType: 14, idempotencyBussinessId: 'seed-e' }],
  ],
  qimai: [
    ['/v3/crm/points/getCustomerPoints', { customerId: '383933091455959041' }],
    ['/v3/crm/points/addCustomerPoints', { customerId: '383933091455959041', balance: 2, bizId: 'seed-q1' }],
    ['/v3/crm/points/reducePoints', { customerId: '383933091455959041', balance: 1, bizId: 'seed-q2' }],
    ['/v3/crm/points/reversePoints', { customerId: '383933091455959041', bizId: 'seed-q3', originBizId: 'seed-q2' }],
    ['/v3/crm/customer/getCrmPointsFlow', { customerId: '383933091455959041', page: 1, pageSize: 3 }],
    ['/v3/crm/customer/gatherCustomerInfo', { identifierNumber: '13700137000', type: 2 }],
    ['/v3/crm/customer/allCustomerInfo', { customerId: '383933091455959041' }],
    ['/v3/crm/customer/getCustomerIdByPhone', { phone: '13700137000' }],
    ['user.points-add', { customerId: '383933091455959041', balance: 1, bizId: 'seed-q4' }],
    ['user.user-points-records', { user_id: '383933091455959041', page: 1, page_size: 2 }],
    ['communal.user.identity', { type: 4, user_id: '383933091455959041' }],
    ['communal.user.gether-customer-info', { identifierNumber: '13700137000', type: 2 }],
    ['/v3/crm/points/reducePoints', { customerId: '383933091455959041', balance: 999999, bizId: 'seed-q5' }],
  ],
};
for (const [vendor, list] of Object.entries(calls)) {
  const client = new Client({ ...accounts[vendor], baseUrl: `${sim.url}/${vendor}` }, { fetch: recordingFetch(vendor), retries: 0 });
  for (const [op, params] of list) await client.call(op, params).catch(() => {});
}
// Fault-shaped replies (the vendors' 5xx and 429 bodies, a truncated body).
for (const vendor of ['kingdee', 'freemud', 'qimai']) {
  const client = new Client({ ...accounts[vendor], baseUrl: `${sim.url}/${vendor}` }, { fetch: recordingFetch(vendor), retries: 0 });
  for (const kind of ['status', 'rate_limit', 'malformed']) {
    sim.faults.add({ vendor, kind, path: vendor === 'kingdee' ? '/jdy' : undefined });
    await client.call(calls[vendor][0][0], calls[vendor][0][1]).catch(() => {});
  }
}
// A signed Freemud push as the simulator sends it.
const push = await fetch(`${sim.url}/_sim/freemud/push`, {
  method: 'POST', headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ url: `${sim.url}/_sim/health`, event: 'points.changed', memberId: '115589208394311926' }),
}).then((r) => r.json());
if (typeof push.body === 'string') seed('freemud_callback', push.body);
await sim.close();

for (const { vendor, op, status, body } of recorded) {
  const s = STATUS[vendor].indexOf(status);
  const o = OPS[vendor].indexOf(op);
  if (s < 0 || o < 0) continue;
  seed('json', body);
  const prefix = vendor === 'kingdee' ? [s, 1, o] : [s, o];
  seed(`${vendor}_response`, Buffer.concat([Buffer.from(prefix), body]));
}
console.log(`fuzz-seed: ${written} seeds (${recorded.length} recorded replies)`);
