// verifyCallback's reading of `{ headers, body }` from the built package (pkg/), pinned against a
// golden file written from the code before that reading moved into JS (branch size-async): body as
// string, Uint8Array, Buffer, ArrayBuffer or something else; the transaction id from a plain object
// (any case), a Headers, a Map, a `get` that throws or returns a non-string, a throwing `get`
// property, or no headers; and the refusals of a bad request, bad options, config or push.
// Regenerate only on purpose: JIFEN_BLESS=1 node --test tests/node/callback.test.mjs
// `jifen/sign` (pkg/sign/, its own wasm) must give the same golden results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as jifen from '../../pkg/node.js';
import * as sign from '../../pkg/sign/node.js';

const GOLDEN = new URL('./callback.golden.json', import.meta.url);
const config = { vendor: 'freemud', partnerId: '9001', appId: 'app-1', verify: 'off' };
const push = (partnerId = '9001') => JSON.stringify({
  ver: '1', partnerId, appId: 'app-1', sign: '',
  requestBody: JSON.stringify({ memberId: '1', mobile: '13800000000', changeScore: 5, currentScore: 10, changeType: 1 }),
});
const bytes = (s) => new TextEncoder().encode(s);
const throwingGet = {};
Object.defineProperty(throwingGet, 'get', { get() { throw new Error('no'); }, enumerable: true });
Object.defineProperty(throwingGet, 'X-TRANSACTION-ID', { value: 'tx-t', enumerable: true });

const cases = {
  stringBodyObjectHeaders: [config, { headers: { 'X-Transaction-Id': 'tx-1' }, body: push() }],
  uint8Headers: [config, { headers: new Headers({ 'x-transaction-id': 'tx-2' }), body: bytes(push()) }],
  arrayBufferMap: [config, { headers: new Map([['x-transaction-id', 'tx-3']]), body: bytes(push()).buffer }],
  mapOtherCase: [config, { headers: new Map([['X-Transaction-Id', 'tx-4']]), body: push() }],
  bufferNoHeader: [config, { headers: {}, body: Buffer.from(push()) }],
  getNumber: [config, { headers: { get: () => 5 }, body: push() }],
  getThrows: [config, { headers: { get: () => { throw new Error('no'); } }, body: push() }],
  getPropertyThrows: [config, { headers: throwingGet, body: push() }],
  headersNull: [config, { headers: null, body: push() }],
  headersString: [config, { headers: 'x-transaction-id', body: push() }],
  valueNumber: [config, { headers: { 'x-transaction-id': 5 }, body: push() }],
  noHeaders: [config, { body: push() }],
  withOptions: [config, { body: push() }, {}],
  bodyNumber: [config, { headers: {}, body: 5 }],
  bodyMissing: [config, { headers: {} }],
  requestString: [config, 'body'],
  requestNull: [config, null],
  optionsNumber: [config, { body: push() }, 5],
  configString: ['freemud', { body: push() }],
  configMissingApp: [{ vendor: 'freemud', partnerId: '9001', verify: 'off' }, { body: push() }],
  notJson: [config, { body: 'nope' }],
  otherPartner: [config, { body: push('9002') }],
};

for (const [entry, { verifyCallback }] of [['jifen', jifen], ['jifen/sign', sign]]) {
  test(`verifyCallback (${entry}): request reading matches the golden file`, async () => {
    const got = [];
    for (const [name, args] of Object.entries(cases)) {
      let outcome;
      try {
        outcome = { ok: await verifyCallback(...args) };
      } catch (e) {
        outcome = { error: { name: e.name, ...e.toJSON() } };
      }
      got.push({ name, outcome });
    }
    if (process.env.JIFEN_BLESS) {
      if (entry === 'jifen') writeFileSync(GOLDEN, `${JSON.stringify(got, null, 1)}\n`);
      return;
    }
    const want = JSON.parse(readFileSync(GOLDEN, 'utf8'));
    const norm = JSON.parse(JSON.stringify(got));
    assert.equal(norm.length, want.length);
    for (let i = 0; i < want.length; i++) assert.deepStrictEqual(norm[i], want[i], want[i].name);
  });
}
