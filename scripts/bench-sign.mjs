// Usage: node scripts/bench-sign.mjs [PKG_DIR]
// Median and best time per buildRequest call (Kingdee integral_adjust, fixed timestamp and nonce,
// made-up test credentials) through the package's Node entry: 40 rounds of 500 calls.
// Used to compare builds (e.g. allocators, opt-levels); run it on a quiet machine.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? 'pkg');
const { buildRequest } = await import(pathToFileURL(`${dir}/node.js`).href);
const config = { vendor: 'kingdee', clientId: 'test-client', clientSecret: 'test-secret-not-real',
  appKey: 'test-app-key', appSecret: 'test-app-secret', domain: 'test-domain', baseUrl: 'http://127.0.0.1:1' };
const args = ['/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 10, operation: 5 },
  { appToken: 'test-token', domain: 'test-domain', timestamp: 1700000000000, nonce: '1234567890' }];
const perCall = [];
for (let round = 0; round < 40; round++) {
  const n = 500;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await buildRequest(config, ...args);
  perCall.push(Number(process.hrtime.bigint() - t0) / n / 1000);
}
perCall.sort((a, b) => a - b);
console.log(`${dir}: buildRequest median ${perCall[20].toFixed(2)} µs, best round ${perCall[0].toFixed(2)} µs`);
