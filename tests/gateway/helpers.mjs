// Shared by the gateway tests: a simulator on a free port, the gateway under
// workerd in front of it (stopped by PID), a fetch wrapper that keeps every
// response (status, headers, body), and the check that no secret ever
// appears in any of them or in workerd's output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { startGateway } from '../../www-demo/worker/gateway.mjs';

export const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));

/** Made up for these tests; guards nothing. */
export const ADMIN_TOKEN = 'test-admin-token-not-a-secret-0123456789';
export const ADMIN_ORIGIN = 'http://admin.jifen.test:8080';

/** Seeded members (sim/seed.json) as gateway member references. */
export const MEMBERS = {
  kingdee: { ref: 'id:1480000000000000001,card:1490000000000000001,mobile:13800138000', mobile: '13800138000', id: '1480000000000000001', balance: 500 },
  freemud: { ref: 'id:115589208394311926,mobile:18616703980', mobile: '18616703980', id: '115589208394311926', balance: 300 },
  qimai: { ref: 'id:383933091455959041,mobile:13700137000', mobile: '13700137000', id: '383933091455959041', balance: 1000 },
};

/** Strings that must never leave the gateway: fixed credentials (and, later, the sim's live ones). */
function staticSecrets() {
  const out = [ADMIN_TOKEN, accounts.kingdee.clientSecret, accounts.kingdee.appSecret,
    accounts.freemud.accessToken, accounts.qimai.openKey];
  // The private key: every base64 line of its body.
  for (const line of accounts.freemud.privateKey.split('\n')) if (line.length >= 16 && !line.startsWith('-----')) out.push(line);
  return out;
}

/**
 * Starts the sim and a gateway for `vendor`. Returns { sim, gw, call, upstreamHits, assertNoSecrets, stop }.
 * `call(path, { method, body, headers, token, origin, raw })` sends with the admin token unless `token: null`.
 * `secrets`: more strings that must never appear (e.g. staff tokens given in gatewayOptions.staff).
 */
export async function setup(vendor, { gatewayOptions = {}, secrets = [] } = {}) {
  const sim = await startSim({ port: 0 });
  let gw;
  try {
    gw = await startGateway({
      vendor,
      credentials: { ...accounts[vendor], ...(vendor === 'freemud' ? { verify: 'enforce' } : {}) },
      upstream: `${sim.url}/${vendor}`,
      adminToken: ADMIN_TOKEN,
      adminOrigin: ADMIN_ORIGIN,
      ...gatewayOptions,
    });
  } catch (e) {
    await sim.close();
    throw e;
  }
  const seen = []; // every response: { what, text }

  async function call(path, { method = 'GET', body, headers = {}, token = ADMIN_TOKEN, origin, idempotencyKey } = {}) {
    const h = { ...headers };
    if (token !== null) h.authorization = `Bearer ${token}`;
    if (origin) h.origin = origin;
    if (idempotencyKey) h['idempotency-key'] = idempotencyKey;
    let payload = body;
    if (body !== undefined && typeof body !== 'string') {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const r = await fetch(gw.url + path, { method, headers: h, body: payload });
    const text = await r.text();
    record(`${method} ${path}`, r, text);
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: r.status, headers: r.headers, text, json };
  }

  function record(what, r, text) {
    seen.push({ what, text: `${r.status}\n${[...r.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}` });
  }

  /** Requests the vendor prefix of the sim has received so far. */
  const upstreamHits = () => sim.state()[vendor].counters.total;

  /** No secret (fixed or issued by the sim during the test) in any response or in workerd's output. */
  function assertNoSecrets() {
    const st = sim.state();
    const all = [...staticSecrets(), ...secrets, st.kingdee.appSecret, ...st.kingdee.tokens.map((t) => t.token)];
    const texts = [...seen, { what: 'workerd output', text: gw.output() }];
    assert.ok(seen.length > 0, 'no responses were recorded');
    for (const { what, text } of texts) {
      for (const s of all) assert.ok(!text.includes(s), `a secret (${s.slice(0, 4)}…) appears in ${what}`);
    }
    return seen.length;
  }

  async function stop() {
    await gw.stop();
    await sim.close();
  }
  return { sim, gw, call, record, upstreamHits, assertNoSecrets, stop };
}
