// fileTokenCache (pkg/file_token_cache.cjs, exported by the Node entries): Node scripts run one
// after another, or at the same moment, share one Kingdee app-token through a private file, so the
// token endpoint (2 calls a minute per account set) is called once in total. Without the cache each
// process fetches its own (the control case below). The file is 0600 in a 0700 directory, written
// by rename (no temporary file left), and the lock lets exactly one holder refresh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../../pkg/sim/index.mjs';
import { fileTokenCache } from '../../pkg/node.js';

const entry = new URL('../../pkg/node.js', import.meta.url).href;
let sim, dir;
before(async () => {
  sim = await startSimulator();
  dir = mkdtempSync(join(tmpdir(), 'jifen-ftc-'));
});
after(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const tokenCalls = () => sim.state().kingdee.counters.tokenEndpointHits;

/** A separate Node process: one Kingdee balance read, with the file cache at `cachePath` (or none). */
function script(cachePath) {
  const file = join(dir, `run-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, `
    import { Client, fileTokenCache } from ${JSON.stringify(entry)};
    const config = JSON.parse(process.env.CONFIG);
    const options = ${cachePath ? `{ tokenCache: fileTokenCache(${JSON.stringify(cachePath)}) }` : '{}'};
    const b = await new Client(config, options).getBalance({ member: { id: '1480000000000000001', cardId: '1490000000000000001' } });
    if (typeof b.available !== 'number') process.exit(3);
  `);
  return new Promise((resolve) => execFile(process.execPath, [file], { env: { ...process.env, CONFIG: JSON.stringify(sim.accounts.kingdee) }, timeout: 60_000 },
    (err, stdout, stderr) => resolve({ status: err ? err.code ?? 1 : 0, stderr })));
}

test('two Node processes in a row: one token call in total, through a 0600 file', async () => {
  sim.reset();
  const path = join(dir, 'in-a-row', 'kingdee-token.json');
  for (let i = 0; i < 2; i++) {
    const r = await script(path);
    assert.equal(r.status, 0, r.stderr);
  }
  assert.equal(tokenCalls(), 1);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'in-a-row')).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(join(dir, 'in-a-row')), ['kingdee-token.json'], 'no temporary or lock file left');
});

test('without the cache (control): each process fetches its own token', async () => {
  sim.reset();
  for (let i = 0; i < 2; i++) assert.equal((await script(null)).status, 0);
  assert.equal(tokenCalls(), 2);
});

test('three processes at the same moment on an empty cache: the lock lets one fetch, the others wait for its token', async () => {
  sim.reset();
  const path = join(dir, 'together', 'kingdee-token.json');
  const runs = await Promise.all([script(path), script(path), script(path)]);
  for (const r of runs) assert.equal(r.status, 0, r.stderr);
  assert.equal(tokenCalls(), 1);
});

test('the lock: one holder at a time, only the holder unlocks, an expired lock is taken over', async () => {
  const path = join(dir, 'lock', 't.json');
  const a = fileTokenCache(path);
  const b = fileTokenCache(path);
  assert.equal(await a.lock(30_000), true);
  assert.equal(await b.lock(30_000), false);
  await b.unlock(); // not b's: nothing happens
  assert.equal(await b.lock(30_000), false);
  await a.unlock();
  assert.equal(await b.lock(50), true);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(await b.lock(200), true, 'the holder renews its own lock, even past its deadline');
  assert.equal(await a.lock(30_000), false, 'renewed: not stale any more');
  await new Promise((r) => setTimeout(r, 250)); // b's renewed lock expires (b died holding it)
  assert.equal(await a.lock(30_000), true);
  assert.equal(await b.lock(30_000), false);
  await a.unlock();
});

test('get/set: the value round-trips; a missing or damaged file reads as no token', async () => {
  const path = join(dir, 'rw', 't.json');
  const c = fileTokenCache(path);
  assert.equal(await c.get(), null);
  await c.set('{"appToken":"x"}', 1_900_000_000_000);
  assert.deepEqual(await c.get(), { value: '{"appToken":"x"}', expiresAt: 1_900_000_000_000 });
  writeFileSync(path, '{"value": "half');
  assert.equal(await c.get(), null);
  assert.throws(() => fileTokenCache(''), /path must be a non-empty string/);
});

test('the entries without a file system export fileTokenCache as an explanation', async () => {
  const browser = await import('../../pkg/browser.js');
  assert.throws(() => browser.fileTokenCache('x'), (e) => e.code === 'unsupported' && /Node or Bun/.test(e.message) && /durableObjectTokenCache/.test(e.message));
});
