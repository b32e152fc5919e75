// The ledger iterator's protocol objects from the built package, exactly: each step is
// `{ done, value }` (in that key order; `value` undefined at the end), `return()` resolves to
// `{ done: true }` with no `value` key, and a next() while one is pending (or after return()) is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSim } from '../../sim/server.mjs';
import { Client, JifenError } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
let sim;
before(async () => { sim = await startSim({ port: 0 }); });
after(() => sim.close());

test('ledger iterator: step and return objects, pending next refused', async () => {
  const client = new Client({ ...accounts.qimai, baseUrl: `${sim.url}/qimai` });
  const it = client.ledger({ member: { id: '383933091455959041' }, pageSize: 1, limit: 1 });
  const pending = it.next();
  await assert.rejects(it.next(), (e) => e instanceof JifenError && e.code === 'invalid_input');
  const first = await pending;
  assert.deepEqual(Object.keys(first), ['done', 'value']);
  assert.equal(first.done, false);
  assert.equal(typeof first.value.id, 'string');
  const end = await it.next();
  assert.deepEqual(Object.keys(end), ['done', 'value']);
  assert.equal(end.done, true);
  assert.equal(end.value, undefined);
  const early = client.ledger({ member: { id: '383933091455959041' } });
  const ret = await early.return();
  assert.deepEqual(Object.keys(ret), ['done']);
  assert.equal(ret.done, true);
  // After return() the walk is gone: next() is refused like a concurrent one (as it always was).
  await assert.rejects(early.next(), (e) => e instanceof JifenError && e.code === 'invalid_input');
});
