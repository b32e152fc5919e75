// Usage: node scripts/bench-heap.mjs [PKG_DIR] [N]
// Allocator stress: N adjustPoints with distinct idempotency keys through one Qimai client against
// the local simulator, so the client's idempotency store fills up to its bound (20,000 entries) and
// then churns; prints the mean time per call for the first and last 1,000 calls, and buildRequest
// timing before and after. Compares builds (e.g. allocators); run it on a quiet machine.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSim } from '../sim/server.mjs';

const dir = resolve(process.argv[2] ?? 'pkg');
const n = Number(process.argv[3] ?? 20000);
const { Client, buildRequest } = await import(pathToFileURL(`${dir}/node.js`).href);
const accounts = JSON.parse(readFileSync(new URL('../sim/accounts.json', import.meta.url)));
const sim = await startSim({ port: 0 });
const kingdee = { vendor: 'kingdee', clientId: 'test-client', clientSecret: 'test-secret-not-real',
  appKey: 'test-app-key', appSecret: 'test-app-secret', domain: 'test-domain', baseUrl: 'http://127.0.0.1:1' };
const sign = async () => {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) {
    await buildRequest(kingdee, '/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 10, operation: 5 },
      { appToken: 'test-token', domain: 'test-domain', timestamp: 1700000000000, nonce: '1234567890' });
  }
  return Number(process.hrtime.bigint() - t0) / 2000 / 1000;
};
try {
  const signBefore = await sign();
  const client = new Client({ ...accounts.qimai, baseUrl: `${sim.url}/qimai` }, { retries: 0 });
  const member = { id: '383933091455959041' };
  const laps = [];
  let t0 = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    await client.adjustPoints({ member, delta: 1, reason: 'manual_grant', idempotencyKey: `heap-bench-${i}-${'k'.repeat(i % 40)}` });
    if (i % 1000 === 0) { laps.push(Number(process.hrtime.bigint() - t0) / 1000 / 1000); t0 = process.hrtime.bigint(); }
  }
  const signAfter = await sign();
  console.log(`${dir}: adjustPoints first 1000 ${laps[0].toFixed(0)} µs/call, last 1000 ${laps.at(-1).toFixed(0)} µs/call; `
    + `buildRequest ${signBefore.toFixed(1)} µs before, ${signAfter.toFixed(1)} µs after`);
} finally {
  sim.close();
}
