// The load test: N adjustments from C concurrent callers through the gateway
// (workerd, a fleet of isolates sharing the JifenCoordinator Durable Object)
// against the simulator with faults on the adjust path, then a reconciliation:
//
// - each member's balance equals its starting balance plus the sum of its new ledger rows;
// - every adjustment a caller saw succeed is in the ledger exactly once; none is in twice;
// - every adjustment not applied ended in an error saying so: outcome_unknown, or a
//   definite refusal; a definite refusal is never in the ledger;
// - Kingdee: one call to the token endpoint for the whole run.
//
// Each adjustment has a unique |delta| (its index + 1), so a ledger row names
// its adjustment on every vendor; Qimai and Freemud rows also carry the key.
// Callers behave as a careful client would: they retry a retryable error with the
// same Idempotency-Key (the shared store makes that safe even for Kingdee), and on
// vendors with their own idempotency key also an outcome_unknown.
//
//   node tests/fleet/load.mjs [--adjustments 1000] [--callers 50] [--vendors qimai,kingdee]
//        [--instances 2] [--fault-rate 0.15] [--seed 1] [--out test-output/load.json]
//
// Prints throughput and p50/p99 latency and writes them to --out (JSON).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startFleet, pointsState, LOAD_MEMBERS, EMPTY_MEMBER } from './helpers.mjs';

/** The vendor path prefix of each vendor's adjustments (where faults are aimed). */
const ADJUST_PATH = { kingdee: '/jdy/v2/ls/integral_adjust', qimai: '/v3/crm/points/', freemud: '/member/score/' };
/** Vendors that deduplicate on the key jifen sends: an outcome_unknown may be retried. */
const VENDOR_IDEMPOTENT = { kingdee: false, qimai: true, freemud: true };
/** Codes that say the vendor (or the client, before sending) refused: nothing was applied. */
const DEFINITE_REFUSALS = new Set(['vendor', 'rate_limited', 'invalid_input', 'auth', 'signature', 'config', 'unsupported']);
const FAULT_KINDS = ['latency', 'status', 'rate_limit', 'malformed', 'drop', 'apply_no_reply'];

/** A small seeded PRNG (mulberry32), so a run's faults can be repeated. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of sorted numbers. */
export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const round = (x) => (x === null ? null : Math.round(x * 10) / 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one vendor's load and reconciles it. Returns the report; `report.violations`
 * lists every broken invariant (empty when the run reconciles).
 */
export async function runLoad({
  vendor, adjustments = 1000, callers = 50, instances = 2, faultRate = 0.15, seed = 1, maxAttempts = 5,
} = {}) {
  const rand = prng(seed);
  const fleet = await startFleet({ vendor, instances, coordinator: true });
  try {
    const caps = (await fleet.call(0, '/api/capabilities')).json;
    const earn = ['promotion', 'manual_grant', 'purchase'].find((r) => caps.reasons[r]);
    const spend = ['manual_deduction', 'redemption'].find((r) => caps.reasons[r]);
    const members = LOAD_MEMBERS[vendor];
    const start = pointsState(fleet.sim, vendor);
    const runId = `${Date.now().toString(36)}`;

    const plan = Array.from({ length: adjustments }, (_, i) => {
      // Every 10th spends; every 25th spends from a member with no points (a definite refusal).
      const broke = spend && i % 25 === 24;
      const negative = broke || (spend && i % 10 === 9);
      const m = broke ? EMPTY_MEMBER[vendor] : members[i % members.length];
      return {
        i, member: m, key: `load-${vendor}-${runId}-${i}`,
        body: {
          member: `mobile:${m.mobile}`, delta: negative ? -(i + 1) : i + 1, reason: negative ? spend : earn,
          ...(vendor === 'freemud' ? { orderId: `load-${runId}-${i}` } : {}),
        },
        attempts: 0, outcome: null, code: null,
      };
    });

    const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0]));
    let faults = 0;
    async function maybeFault() {
      if (rand() >= faultRate) return;
      // Kinds in turn, so even a short run gets every one of them.
      const kind = FAULT_KINDS[faults++ % FAULT_KINDS.length];
      const spec = { vendor, path: ADJUST_PATH[vendor], kind };
      if (kind === 'latency') spec.ms = 20 + Math.floor(rand() * 280);
      if (kind === 'rate_limit') spec.retryAfter = 1;
      const r = await fetch(`${fleet.sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
      if (r.status !== 200) throw new Error(`the sim refused a fault: ${await r.text()}`);
      injected[kind] += 1;
    }

    const latencies = []; // every HTTP request to the gateway, ms
    const perAdjustment = []; // first request to final answer, ms
    let next = 0;
    let requests = 0;
    async function caller(c) {
      while (next < plan.length) {
        const a = plan[next++];
        await maybeFault();
        const began = performance.now();
        for (;;) {
          a.attempts += 1;
          requests += 1;
          let r;
          try {
            r = await fleet.adjust(c, a.key, a.body);
          } catch (e) {
            r = { status: 0, json: { error: { code: 'gateway_unreachable', retryable: true, message: String(e) } }, ms: 0 };
          }
          latencies.push(r.ms);
          if (r.status === 200 && r.json?.applied === true) {
            a.outcome = 'applied';
            break;
          }
          const err = r.json?.error ?? { code: `http_${r.status}`, retryable: false };
          a.code = err.code;
          const again = err.retryable === true || (err.code === 'outcome_unknown' && VENDOR_IDEMPOTENT[vendor]);
          if (!again || a.attempts >= maxAttempts) {
            a.outcome = 'error';
            a.error = err;
            break;
          }
          await sleep(Math.min(err.retryAfterMs ?? 100 * a.attempts, 2000));
        }
        perAdjustment.push(performance.now() - began);
      }
    }
    const t0 = performance.now();
    await Promise.all(Array.from({ length: callers }, (_, c) => caller(c)));
    const wallMs = performance.now() - t0;

    const pending = (await (await fetch(`${fleet.sim.url}/_sim/faults`)).json()).pending.length;
    await fetch(`${fleet.sim.url}/_sim/faults`, { method: 'DELETE' });
    const end = pointsState(fleet.sim, vendor);

    const { violations, outcomes, fresh } = reconcile({ plan, start, end, members: [...members, EMPTY_MEMBER[vendor]], idempotent: VENDOR_IDEMPOTENT[vendor] });
    if (vendor === 'kingdee' && end.tokenEndpointHits !== 1) violations.push(`${end.tokenEndpointHits} calls to the token endpoint (1 expected)`);

    latencies.sort((x, y) => x - y);
    perAdjustment.sort((x, y) => x - y);
    return {
      vendor,
      adjustments,
      callers,
      instances,
      faultRate,
      seed,
      faultsInjected: injected,
      faultsUnused: pending,
      wallMs: Math.round(wallMs),
      requests,
      throughput: { adjustmentsPerSec: round(adjustments / (wallMs / 1000)), requestsPerSec: round(requests / (wallMs / 1000)) },
      latencyMs: { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1)) },
      adjustmentLatencyMs: { p50: round(percentile(perAdjustment, 50)), p99: round(percentile(perAdjustment, 99)) },
      outcomes,
      ledgerRows: fresh.length,
      ...(vendor === 'kingdee' ? { tokenEndpointHits: end.tokenEndpointHits } : {}),
      violations,
    };
  } finally {
    await fleet.stop();
  }
}

/**
 * Checks a finished run against the sim's ledger. `plan`: the adjustments
 * ({ i, key, member: { id }, body: { delta }, outcome: 'applied'|'error', code });
 * `start`/`end`: pointsState before and after; `members`: every member touched;
 * `idempotent`: whether the vendor deduplicates on the key (a retryable error is then an answer).
 * Returns { violations, outcomes, fresh (the new ledger rows) }.
 */
export function reconcile({ plan, start, end, members, idempotent = false }) {
  const seen = new Set(start.rows.map((r) => r.id));
  const fresh = end.rows.filter((r) => !seen.has(r.id));
  const violations = [];
  const byIndex = new Map();
  for (const row of fresh) {
    const i = Math.abs(row.delta) - 1;
    const a = plan[i];
    if (!a || a.body.delta !== row.delta || a.member.id !== row.member) {
      violations.push(`a ledger row matches no adjustment: ${JSON.stringify(row)}`);
      continue;
    }
    if (row.key !== undefined && row.key !== a.key) violations.push(`row ${row.id} carries key ${row.key}, not ${a.key}`);
    byIndex.set(i, (byIndex.get(i) ?? 0) + 1);
  }
  const outcomes = { applied: 0, unknownApplied: 0, unknownNotApplied: 0, refused: {}, retryable: {} };
  for (const a of plan) {
    const n = byIndex.get(a.i) ?? 0;
    if (n > 1) violations.push(`adjustment ${a.i} (${a.key}) is in the ledger ${n} times`);
    if (a.outcome === 'applied') {
      outcomes.applied += 1;
      if (n !== 1) violations.push(`adjustment ${a.i} succeeded but is in the ledger ${n} times`);
    } else if (a.code === 'outcome_unknown') {
      if (n === 1) outcomes.unknownApplied += 1;
      else outcomes.unknownNotApplied += 1;
    } else if (DEFINITE_REFUSALS.has(a.code) && a.error?.retryable !== true) {
      outcomes.refused[a.code] = (outcomes.refused[a.code] ?? 0) + 1;
      if (n !== 0) violations.push(`adjustment ${a.i} ended in a definite ${a.code} but is in the ledger`);
    } else if (a.error?.retryable === true && (idempotent || n === 0)) {
      // Still failing after the caller's attempts, but saying "retry": safe where the vendor dedupes,
      // and true where it does not as long as nothing was applied (Kingdee's settled "not applied").
      outcomes.retryable[a.code] = (outcomes.retryable[a.code] ?? 0) + 1;
    } else {
      violations.push(`adjustment ${a.i} ended in ${a.code} (retryable ${a.error?.retryable === true}), which says neither "refused" nor "outcome unknown"${n ? ' and it was applied' : ''}`);
    }
  }
  for (const m of members) {
    const sum = fresh.filter((r) => r.member === m.id).reduce((s, r) => s + r.delta, 0);
    if (end.balances[m.id] !== start.balances[m.id] + sum) {
      violations.push(`member ${m.id}: balance ${end.balances[m.id]} ≠ ${start.balances[m.id]} + ledger ${sum}`);
    }
  }
  for (const r of fresh) {
    if (r.before !== undefined && r.after !== r.before + r.delta) violations.push(`row ${r.id}: ${r.before} + ${r.delta} ≠ ${r.after}`);
  }
  return { violations, outcomes, fresh };
}

/** One line per vendor for humans. */
export function summary(r) {
  const o = r.outcomes;
  const refused = Object.entries(o.refused).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const retryable = Object.entries(o.retryable).map(([k, v]) => `${k} ${v}`).join(', ');
  return `${r.vendor}: ${r.adjustments} adjustments, ${r.callers} callers, ${r.instances} isolates: `
    + `${r.throughput.adjustmentsPerSec} adj/s (${r.throughput.requestsPerSec} req/s, ${r.requests} requests) in ${r.wallMs} ms; `
    + `request latency p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms; `
    + `applied ${o.applied}, outcome_unknown ${o.unknownApplied} applied / ${o.unknownNotApplied} not, refused: ${refused}${retryable ? `, still retryable: ${retryable}` : ''}; `
    + `faults ${JSON.stringify(r.faultsInjected)}${r.tokenEndpointHits !== undefined ? `; token calls ${r.tokenEndpointHits}` : ''}; `
    + `${r.violations.length ? `VIOLATIONS ${r.violations.length}` : 'reconciled'}`;
}

/** Writes the reports where the bench helper reads them. */
export function writeReport(path, results, command) {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ generatedAt: new Date().toISOString(), command, node: process.version, results }, null, 2)}\n`);
}

// CLI
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
  };
  const vendors = opt('vendors', 'qimai,kingdee').split(',');
  const out = opt('out', 'test-output/load.json');
  const results = [];
  for (const vendor of vendors) {
    const r = await runLoad({
      vendor,
      adjustments: Number(opt('adjustments', 1000)),
      callers: Number(opt('callers', 50)),
      instances: Number(opt('instances', 2)),
      faultRate: Number(opt('fault-rate', 0.15)),
      seed: Number(opt('seed', 1)),
    });
    console.log(summary(r));
    for (const v of r.violations.slice(0, 20)) console.log(`  violation: ${v}`);
    results.push(r);
  }
  writeReport(out, results, `node tests/fleet/load.mjs ${args.join(' ')}`.trim());
  console.log(`written to ${out}`);
  process.exit(results.some((r) => r.violations.length) ? 1 : 0);
}
