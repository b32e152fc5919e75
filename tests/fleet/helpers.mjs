// Shared by the fleet tests and the load test: the simulator and a fleet of
// gateway isolates under one workerd process (separate Worker services, each
// its own isolate and jifen Client), optionally sharing the JifenCoordinator
// Durable Object namespace and a local KV service; or several gateway processes
// sharing a coordinator process (startProcesses).
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { startCoordinator, startGateway } from '../../www-demo/worker/gateway.mjs';

export const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));

/** Made up for these tests; guards nothing. */
export const ADMIN_TOKEN = 'fleet-test-admin-token-not-a-secret-0001';

/** { status, json, text, ms, headers } of a request to `url` with the admin token. */
async function adminCall(url, { method = 'GET', body, headers = {} } = {}) {
  const h = { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const started = performance.now();
  const r = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const ms = performance.now() - started;
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: r.status, json, text, ms, headers: r.headers };
}

/**
 * Starts the sim and `instances` gateways for `vendor`. Returns { sim, gw, call, adjust, stop }.
 * `call(i, path, init)` sends to instance `i` with the admin token and returns { status, json, text, ms }.
 * `gateway` adds startGateway options (storageDir, storage, coordinatorUrl, …).
 */
export async function startFleet({ vendor, instances = 1, coordinator = true, kv = null, bindings = {}, gateway = {} } = {}) {
  const sim = await startSim({ port: 0 });
  let gw;
  try {
    gw = await startGateway({
      vendor,
      credentials: accounts[vendor],
      upstream: `${sim.url}/${vendor}`,
      adminToken: ADMIN_TOKEN,
      instances,
      coordinator,
      kv,
      bindings,
      ...gateway,
    });
  } catch (e) {
    await sim.close();
    throw e;
  }

  const call = (i, path, init) => adminCall(gw.urls[i % gw.urls.length] + path, init);

  /** POST /api/adjust on instance `i` with `Idempotency-Key: key`. */
  const adjust = (i, key, body) => call(i, '/api/adjust', { method: 'POST', body, headers: { 'idempotency-key': key } });

  async function stop() {
    await gw.stop();
    await sim.close();
  }
  return { sim, gw, call, adjust, stop };
}

/**
 * Starts the sim, a coordinator process (with `shared`, the default) and `processes` separate
 * gateway processes (workerd each) for `vendor`, every one of them bound to the coordinator; without
 * `shared`, each process keeps its own store on disk. Returns { sim, co, gws, call, adjust, stop }:
 * `call(i, path, init)` goes to process `i`. `bindings` and `gateway` as for startFleet.
 */
export async function startProcesses({ vendor, processes = 2, shared = true, bindings = {}, gateway = {} } = {}) {
  const sim = await startSim({ port: 0 });
  const gws = [];
  let co = null;
  const stop = async () => {
    for (const g of gws) await g.stop();
    await co?.stop();
    await sim.close();
  };
  try {
    if (shared) co = await startCoordinator();
    for (let i = 0; i < processes; i++) {
      gws.push(await startGateway({
        vendor,
        credentials: accounts[vendor],
        upstream: `${sim.url}/${vendor}`,
        adminToken: ADMIN_TOKEN,
        bindings,
        ...(co ? { coordinatorUrl: co.url, coordinatorToken: co.token } : {}),
        ...gateway,
      }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const call = (i, path, init) => adminCall(gws[i].url + path, init);
  const adjust = (i, key, body) => call(i, '/api/adjust', { method: 'POST', body, headers: { 'idempotency-key': key } });
  return { sim, co, gws, call, adjust, stop };
}

/** The members each vendor's fleet tests adjust (seeded in sim/seed.json), by mobile. */
export const LOAD_MEMBERS = {
  kingdee: [
    { mobile: '13800138000', id: '1480000000000000001' },
    { mobile: '13800138001', id: '1480000000000000002' },
    { mobile: '13900139000', id: '1480000000000000004' },
  ],
  qimai: [
    { mobile: '13700137000', id: '383933091455959041' },
    { mobile: '13700137001', id: '383933091455959042' },
  ],
  freemud: [
    { mobile: '18616703980', id: '115589208394311926' },
    { mobile: '13621758805', id: '115604222300254410' },
  ],
};

/** A member with no points per vendor: deductions from it are refused by the vendor. */
export const EMPTY_MEMBER = {
  kingdee: { mobile: '13800138002', id: '1480000000000000003' },
  qimai: { mobile: '13700137002', id: '383933091455959043' },
  freemud: { mobile: '15956904546', id: '115591161789102515' },
};

/** The sim's view of one vendor's points: balances by member id, and ledger rows as { id, member, delta, key? }. */
export function pointsState(sim, vendor) {
  const st = sim.state()[vendor];
  if (vendor === 'kingdee') {
    return {
      balances: Object.fromEntries(st.members.map((m) => [m.id, m.balance])),
      rows: st.ledger.map((r) => ({ id: r.id, member: r.member_id, delta: Number(r.occur), before: Number(r.last_integral), after: Number(r.integral) })),
      tokenEndpointHits: st.counters.tokenEndpointHits,
    };
  }
  if (vendor === 'qimai') {
    const customers = Object.values(st.customers);
    return {
      balances: Object.fromEntries(customers.map((c) => [c.customerId, c.points])),
      rows: st.ledger.map((r) => ({ id: r.id, member: r.customerId, delta: r.changePoints, after: r.afterPoints, key: r.bizId })),
    };
  }
  const members = Array.isArray(st.members) ? st.members : Object.values(st.members);
  return {
    balances: Object.fromEntries(members.map((m) => [m.memberId, m.currentScore])),
    rows: st.ledger.map((r) => ({
      id: r.transNo, member: r.memberId, delta: r.changeType === 2 ? -r.changeScore : r.changeScore,
      before: r.beforeScore, after: r.currentScore, key: r.idempotencyBussinessId,
    })),
  };
}
