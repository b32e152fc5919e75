// `new Client(config, options)` from the built package (pkg/): which options are accepted and the
// exact refusal for each bad one, in the order they are checked (config, options object, fetch,
// timeoutMs, onRequest, onResponse, retries, the vendor config, idempotencyStore, tokenCache).
// Pinned against a golden file written from the code before option reading changed (branch
// size-async). Regenerate only on purpose: JIFEN_BLESS=1 node --test tests/node/options.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Client } from '../../pkg/node.js';

const GOLDEN = new URL('./options.golden.json', import.meta.url);
// Made-up test credentials (not real).
const config = { vendor: 'qimai', openId: 'test-open-id', grantCode: 'g', openKey: 'test-open-key', baseUrl: 'http://127.0.0.1:9/qimai' };
const f = () => {};
const store = { get: f, putIfAbsent: f };
const cache = { get: f, set: f };
const throwing = {};
Object.defineProperty(throwing, 'fetch', { get() { throw new Error('no'); } });
Object.defineProperty(throwing, 'timeoutMs', { get() { throw new Error('no'); } });

const options = {
  undefined: undefined, null: null, empty: {}, number: 5, string: 'x', function: f, array: [],
  throwingGetters: throwing,
  fetchString: { fetch: 'nope' }, fetchNumber: { fetch: 5 }, fetchNull: { fetch: null }, fetchFunction: { fetch: f },
  timeout0: { timeoutMs: 0 }, timeout1: { timeoutMs: 1 }, timeoutMax: { timeoutMs: 600000 }, timeoutOver: { timeoutMs: 600001 },
  timeoutFraction: { timeoutMs: 1.5 }, timeoutString: { timeoutMs: '5' }, timeoutNaN: { timeoutMs: NaN }, timeoutNull: { timeoutMs: null },
  retriesNegative: { retries: -1 }, retries0: { retries: 0 }, retries10: { retries: 10 }, retries11: { retries: 11 }, retriesFraction: { retries: 2.5 },
  onRequestString: { onRequest: 'x' }, onResponseNumber: { onResponse: 5 }, hooks: { onRequest: f, onResponse: f },
  storeEmpty: { idempotencyStore: {} }, storeGetOnly: { idempotencyStore: { get: f } }, storeGood: { idempotencyStore: store },
  storeNumber: { idempotencyStore: 5 }, storeNull: { idempotencyStore: null },
  cacheEmpty: { tokenCache: {} }, cacheGood: { tokenCache: cache }, cacheString: { tokenCache: 'x' },
  fetchAndTimeoutBad: { fetch: 5, timeoutMs: 0 }, timeoutAndRetriesBad: { timeoutMs: 0, retries: 11 },
  storeAndCacheBad: { idempotencyStore: {}, tokenCache: {} }, hooksAndRetriesBad: { onResponse: 1, retries: -1 },
};
const configs = {
  good: config, number: 5, missingOpenId: { ...config, openId: undefined }, unknownVendor: { vendor: 'x' },
};

test('Client constructor: options accepted and refused match the golden file', () => {
  const got = [];
  for (const [c, cfg] of Object.entries(configs)) {
    for (const [o, opts] of Object.entries(options)) {
      if (c !== 'good' && !['empty', 'number', 'fetchString', 'storeEmpty', 'cacheEmpty'].includes(o)) continue;
      let outcome;
      try {
        outcome = { vendor: new Client(cfg, opts).vendor };
      } catch (e) {
        outcome = { error: { name: e.name, ...e.toJSON() } };
      }
      got.push({ config: c, options: o, outcome });
    }
  }
  if (process.env.JIFEN_BLESS) {
    writeFileSync(GOLDEN, `${JSON.stringify(got, null, 1)}\n`);
    return;
  }
  const want = JSON.parse(readFileSync(GOLDEN, 'utf8'));
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.deepStrictEqual(got[i], want[i], `${want[i].config}/${want[i].options}`);
});
