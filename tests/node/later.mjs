// Moves time forward for a test: the client's clock (the package reads `Date.now()` at each call)
// and, when a simulator is given, the simulator's clock (POST /_sim/clock) by the same amount, so
// that a Kingdee change left `outcome_unknown` can be settled without waiting the vendor's
// 5-minute acceptance window in real time. The simulator captured the real `Date.now` when it
// started, so it moves only by its own offset. `resetClock()` restores the real clock.
import assert from 'node:assert/strict';

const realNow = Date.now;
let shiftMs = 0;

export async function later(ms, sim) {
  assert.ok(Number.isFinite(ms) && ms > 0, `later(${ms})`);
  shiftMs += ms;
  Date.now = () => realNow() + shiftMs;
  if (sim) {
    const r = await fetch(`${sim.url}/_sim/clock`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ offsetMs: shiftMs }),
    });
    assert.equal((await r.json()).offsetMs, shiftMs);
  }
}

export function resetClock() {
  shiftMs = 0;
  Date.now = realNow;
}

/** Kingdee's answer to a change it cannot settle yet: unknown, retryable, with a time, never "safe". */
export function assertUnknownUntil(e, what = '') {
  assert.ok(e instanceof Error, `${what}: expected an error, got ${JSON.stringify(e)}`);
  assert.equal(e.code, 'outcome_unknown', `${what}: ${e.message}`);
  assert.equal(e.retryable, true, what);
  assert.doesNotMatch(e.message, /safe|was not applied/, `${what}: an unsettled change is never called safe to repeat`);
  assert.match(e.message, /same idempotencyKey/, what);
  assert.ok(e.retryAfterMs > 0 && e.retryAfterMs <= 7 * 60_000, `${what}: retryAfterMs ${e.retryAfterMs}`);
  return e.retryAfterMs;
}
