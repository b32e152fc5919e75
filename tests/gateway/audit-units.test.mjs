// The audit trail's Durable Object operations (JifenCoordinator audit.put / audit.list) over an
// in-memory stand-in for Durable Object storage (sorted keys, start/end/reverse/limit as the
// platform's list), and the gateway's CSV. Paging, filters and the create/update split.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JifenCoordinator } from '../../pkg-template/cloudflare.js';
import { toCsv, publicEntry } from '../../www-demo/worker/src/audit.js';

function memoryStorage() {
  const m = new Map();
  return {
    async get(k) { return m.get(k); },
    async put(k, v) { if (typeof k === 'object') for (const [a, b] of Object.entries(k)) m.set(a, b); else m.set(k, v); },
    async delete(k) { for (const x of [].concat(k)) m.delete(x); },
    async list({ prefix = '', start, end, reverse = false, limit = Infinity } = {}) {
      let keys = [...m.keys()].filter((k) => k.startsWith(prefix) && (start === undefined || k >= start) && (end === undefined || k < end)).sort();
      if (reverse) keys.reverse();
      return new Map(keys.slice(0, limit).map((k) => [k, m.get(k)]));
    },
    async getAlarm() { return null; },
    async setAlarm() {},
  };
}

async function call(obj, msg) {
  const r = await obj.fetch(new Request('https://x/', { method: 'POST', body: JSON.stringify(msg) }));
  const body = await r.json();
  if (!r.ok) throw new Error(body.error);
  return body.result;
}

test('audit.put: created once with the object\'s time, then updated; audit.list pages newest first with filters', async () => {
  const obj = new JifenCoordinator({ storage: memoryStorage() }, {});
  const realNow = Date.now;
  let t = 1_700_000_000_000;
  Date.now = () => t;
  try {
    for (let i = 0; i < 120; i++) {
      t += 1000;
      await call(obj, { op: 'audit.put', id: `k${i}`, create: { member: i % 2 ? 'm1' : 'm2', operator: '王芳', operatorId: i % 3 ? 'wang' : 'chen', delta: i + 1, outcome: 'pending' } });
    }
    t += 1000;
    const updated = await call(obj, { op: 'audit.put', id: 'k5', create: { delta: 999, operatorId: 'evil' }, update: { outcome: 'applied' } });
    assert.equal(updated.delta, 6, 'create applies to a new id only');
    assert.equal(updated.operatorId, 'wang');
    assert.equal(updated.outcome, 'applied');
    assert.equal(updated.at, 1_700_000_000_000 + 6000, 'the first record\'s time stays');
    // Every entry, 50 a page, newest first, no repeats, nothing lost.
    const seen = [];
    let cursor = null;
    do {
      const page = await call(obj, { op: 'audit.list', cursor, limit: 50 });
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.cursor;
    } while (cursor);
    assert.equal(seen.length, 120);
    assert.equal(new Set(seen).size, 120);
    assert.equal(seen[0], 'k119');
    assert.equal(seen.at(-1), 'k0');
    // Filters: one member, one operator (by id), a time window (inclusive).
    const m1 = await call(obj, { op: 'audit.list', member: 'm1', limit: 500 });
    assert.equal(m1.entries.length, 60);
    assert.ok(m1.entries.every((e) => e.member === 'm1'));
    const chen = await call(obj, { op: 'audit.list', operator: 'chen', limit: 500 });
    assert.equal(chen.entries.length, 40);
    const window = await call(obj, { op: 'audit.list', from: 1_700_000_000_000 + 10_000, to: 1_700_000_000_000 + 12_000, limit: 500 });
    assert.deepEqual(window.entries.map((e) => e.id), ['k11', 'k10', 'k9']);
    await assert.rejects(call(obj, { op: 'audit.list', limit: 0 }), /bad limit/);
    await assert.rejects(call(obj, { op: 'audit.put', id: '', create: {} }), /bad id/);
    await assert.rejects(call(obj, { op: 'audit.put', id: 'big', create: { remark: 'x'.repeat(9000) } }), /entry too large/);
  } finally {
    Date.now = realNow;
  }
});

test('the CSV: a header, CRLF lines, quoted cells, formulas defused, numbers left numbers, a BOM for Excel', () => {
  const rows = [publicEntry({ at: 0, operator: '=HYPERLINK("x")', member: 'm1', delta: -3, reason: 'redemption', remark: 'a, "b"\nc', idempotencyKey: 'k1', outcome: 'applied' })];
  const csv = toCsv(rows);
  assert.ok(csv.startsWith('\ufeffat,operator,member,delta,'));
  const line = csv.split('\r\n')[1];
  assert.equal(line, `1970-01-01T00:00:00.000Z,"'=HYPERLINK(""x"")",m1,-3,redemption,"a, ""b""\nc",,k1,applied,,,`);
});
