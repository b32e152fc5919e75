// The stack the admin page tests drive: the vendor simulator, the gateway on
// workerd in front of it (www-demo/worker/gateway.mjs), the page's static
// server, and Debian's chromium through playwright-core. Everything binds
// 127.0.0.1 on free ports and is stopped by handle/PID.
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startSim } from '../../sim/server.mjs';
import { startAdminServer } from '../../www-demo/serve.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SHOTS = `${ROOT}test-output/admin`;
export const ADMIN_TOKEN = 'demo-admin-token-for-tests';
export const accounts = JSON.parse(readFileSync(`${ROOT}sim/accounts.json`, 'utf8'));

/** One seeded member per vendor (sim/seed.json) and how to read its ledger from the sim's state. */
export const FIXTURES = {
  qimai: { mobile: '13700137000', id: '383933091455959041', name: '陈一', balance: 1000,
    rows: (s) => s.qimai.ledger.filter((r) => r.customerId === '383933091455959041') },
  freemud: { mobile: '18616703980', id: '115589208394311926', name: '童百良', balance: 300,
    rows: (s) => s.freemud.ledger.filter((r) => r.memberId === '115589208394311926') },
  // Kingdee finds a member only by member id plus the card's id.
  kingdee: { mobile: '13800138000', id: '1480000000000000001', cardId: '1490000000000000001', name: '张三', balance: 500,
    rows: (s) => s.kingdee.ledger.filter((r) => r.member_id === '1480000000000000001') },
};

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Starts sim + page server + the real gateway (www-demo/worker/gateway.mjs, workerd) for `vendor`,
 * with one admin account (ADMIN_TOKEN) and the `staff` accounts given ({ id, name, role, limit?, token }).
 */
export async function startStack(vendor, { staff = null, bindings = {} } = {}) {
  const stops = [];
  const stop = async () => { for (const s of stops.reverse()) await s().catch(() => {}); };
  try {
    const sim = await startSim({ port: 0, log: false });
    stops.push(() => sim.close());
    const page = await startAdminServer({ port: 0 });
    stops.push(() => page.close());
    const { startGateway } = await import('../../www-demo/worker/gateway.mjs');
    const gateway = await startGateway({ vendor, credentials: accounts[vendor], upstream: `${sim.url}/${vendor}`,
      adminToken: ADMIN_TOKEN, staff, bindings, adminOrigin: page.url, port: 0 });
    stops.push(() => gateway.stop());
    const api = async (method, path, body, headers = {}) => {
      const r = await fetch(gateway.url + path, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
      return { status: r.status, body: await r.json() };
    };
    const simCall = async (method, path, body) => {
      const r = await fetch(sim.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined });
      if (!r.ok) throw new Error(`sim ${path}: HTTP ${r.status}`);
      return r.json();
    };
    return {
      sim, page, gateway, api, stop,
      state: () => simCall('GET', '/_sim/state'),
      fault: (spec) => simCall('POST', '/_sim/faults', spec),
      clearFaults: () => simCall('DELETE', '/_sim/faults'),
      /** The page URL as `make demo` opens it: defaults in the fragment. */
      pageUrl: ({ token = ADMIN_TOKEN, simInPage = true } = {}) =>
        `${page.url}/#gateway=${encodeURIComponent(gateway.url)}&token=${encodeURIComponent(token)}`
        + (simInPage ? `&sim=${encodeURIComponent(sim.url)}` : ''),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Saves a full-page screenshot as test-output/admin/<name>.png. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}
