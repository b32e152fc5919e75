// The fetch transport of the built package (pkg/), pinned against a golden file written from the
// code before the transport moved into JS (branch size-async): what an injected `fetch` receives
// (URL, init keys, headers, body type, signal), what onRequest/onResponse see, and the result or
// JifenError for a reply, a throwing fetch, a rejected fetch, a reply without arrayBuffer, a body
// that fails, a fetch and a body that hang past timeoutMs, a plain-object reply, and an HTTP 503.
// No network: every reply comes from the injected fetch. Regenerate only on purpose:
// JIFEN_BLESS=1 node --test tests/node/transport.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Client } from '../../pkg/node.js';

const GOLDEN = new URL('./transport.golden.json', import.meta.url);

// Made-up test credentials (not real).
const config = {
  vendor: 'kingdee', clientId: '1', clientSecret: 'test-client-secret', appKey: 'k',
  appSecret: 'test-app-secret', domain: 'https://tf.jdy.com', baseUrl: 'http://127.0.0.1:9/kingdee',
};
const TOKEN = JSON.stringify({ errcode: 0, description: 'ok', data: { 'app-token': 'test-tok', expires: 4102444800000 } });
const BALANCE = JSON.stringify({
  errcode: 0, description: 'success',
  data: { integral: { member: { id: 'm1', mobile: '13800138000', name: 'n' }, mb_card: { id: 'c1' }, total: '8', level_total: '8', last: '5', pre: '0', usable: '5' } },
});
const enc = (s) => new TextEncoder().encode(s).buffer;
const aborted = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

// What the business call's fetch does, per scenario (the token call always gets a good reply).
const scenarios = {
  ok: () => new Response(BALANCE, { status: 200, headers: { 'x-a': '1', 'X-Api-Requestid': 'r-1' } }),
  throws: () => { throw new Error('no fetch'); },
  rejects: () => Promise.reject(new Error('reset')),
  noArrayBuffer: () => ({ status: 200, headers: new Headers({ a: 'b' }) }),
  bodyRejects: () => ({ status: 200, headers: undefined, arrayBuffer: () => Promise.reject(new Error('lost')) }),
  hang: (url, init) => aborted(init.signal),
  hangBody: (url, init) => ({ status: 200, headers: new Headers(), arrayBuffer: () => aborted(init.signal) }),
  plainObject: () => ({ status: 200, headers: [['x-b', '2'], ['x-n', 3], ['x-c', 'z']], arrayBuffer: async () => enc(BALANCE) }),
  http503: () => new Response('busy', { status: 503 }),
};

const shape = (headers) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === '***' ? v : typeof v]));

async function run(name) {
  const fetches = [];
  const events = [];
  const client = new Client(config, {
    retries: 0,
    timeoutMs: 100,
    fetch: (url, init) => {
      fetches.push({
        url: url.replace(/\?.*/, '?…'), keys: Object.keys(init), method: init.method, headers: shape(init.headers),
        body: typeof init.body, signal: init.signal instanceof AbortSignal,
      });
      if (url.includes('kingdee_auth_token')) return Promise.resolve(new Response(TOKEN, { status: 200 }));
      return scenarios[name](url, init);
    },
    onRequest: (e) => events.push({ on: 'request', keys: Object.keys(e), method: e.method, url: e.url, headers: shape(e.headers) }),
    onResponse: (e) => events.push({
      on: 'response', keys: Object.keys(e), method: e.method, url: e.url, headers: shape(e.headers),
      durationMs: typeof e.durationMs, status: e.status, error: e.error,
    }),
  });
  let outcome;
  try {
    outcome = { ok: await client.call('/jdy/v2/ls/account_balance_info', { member_id: 'm1', member_card_id: 'c1' }) };
  } catch (e) {
    outcome = { error: { name: e.name, ...e.toJSON() } };
  }
  return { name, fetches, events, outcome };
}

test('fetch transport: every path matches the golden file', async () => {
  const got = [];
  for (const name of Object.keys(scenarios)) got.push(await run(name));
  if (process.env.JIFEN_BLESS) {
    writeFileSync(GOLDEN, `${JSON.stringify(got, null, 1)}\n`);
    return;
  }
  const want = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  const norm = JSON.parse(JSON.stringify(got)); // as written: absent and undefined alike
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.deepStrictEqual(norm[i], want[i], want[i].name);
});
