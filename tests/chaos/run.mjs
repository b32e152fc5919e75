// The chaos suite: concurrent callers through the gateway on workerd against the
// simulator with faults on, the workerd process killed with SIGKILL (by PID) and
// restarted, writes that land after the gateway gave up, vendor clock jumps,
// identical changes from two keys, token expiry and 429 storms, two gateways
// sharing a store. Then the end phase: the sim clock is moved past Kingdee's
// acceptance window (a write signed at vendor time T can land until T + 5 min, plus
// a 30 s hold), the real-time margin is waited out, and every key without a definite
// answer is retried with the same key, a bounded number of rounds. The checker
// (checker.mjs) holds every answer against the sim's ledger.
//
//   node tests/chaos/run.mjs [--profile short|long] [--vendors kingdee,freemud,qimai]
//        [--seed 1] [--serial] [--out test-output/chaos-<profile>.json] [--log]
//
// Prints the per-scenario table (attempted, applied once, refused, doubled, lost, false
// answers, unknown at the end) and every finding behind a non-zero count; exits 1
// unless every vendor is clean. Each scenario has its own members (sim/seed.json plus
// members made for the run), so Kingdee's keyless rows are attributable.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startSim, loadSeed } from '../../sim/server.mjs';
import * as gateway from '../../www-demo/worker/gateway.mjs';
import { check, classify, clean, table } from './checker.mjs';

export const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));
/** Made up for this suite; guards nothing. */
export const ADMIN_TOKEN = 'chaos-test-admin-token-not-a-secret-01';

export const VENDORS = ['kingdee', 'freemud', 'qimai'];

/** Run sizes. The short form is `make test`'s (bounded: about 2–3 min for the three vendors at once). */
export const PROFILES = {
  short: {
    load: { changes: 16, callers: 6, faultRate: 0.5 },
    kill: { changes: 16, callers: 6, faultRate: 0.3, kills: 1 },
    lateMs: [500, 3000, 20_000, 240_000],
    jumpsMs: [6000, -6000, 30_000, -30_000, 300_000],
    jumpsAtWriteMs: [-30_000, -6000, 30_000],
    pairs: 4,
    token: { changes: 6, stormMs: 20_000 },
    twoGateways: 4,
    attempts: 4, // a caller's tries in the main phase
    marginMs: 50_000, // real time after the last attempt before the end phase retries
    rounds: 6, // end-phase rounds
    roundWaitCapMs: 15_000,
  },
  long: {
    load: { changes: 120, callers: 12, faultRate: 0.4 },
    kill: { changes: 90, callers: 12, faultRate: 0.4, kills: 3 },
    lateMs: [500, 500, 3000, 3000, 20_000, 20_000, 240_000, 240_000],
    jumpsMs: [6000, -6000, 30_000, -30_000, 300_000, 6000, -30_000, 300_000],
    jumpsAtWriteMs: [-30_000, -6000, 30_000, -30_000, 6000],
    pairs: 8,
    token: { changes: 24, stormMs: 30_000 },
    twoGateways: 12,
    attempts: 5,
    marginMs: 60_000,
    rounds: 10,
    roundWaitCapMs: 20_000,
  },
};

/** The gateway's timeout for one vendor request: short, so late writes land after it. */
export const GATEWAY_TIMEOUT_MS = 1500;
/** A caller gives up on one gateway call after this long (then retries with the same key). */
const CALLER_TIMEOUT_MS = 45_000;
/** Kingdee's acceptance window (5 min) plus the hold margin (30 s), and a little more. */
export const WINDOW_JUMP_MS = 5 * 60_000 + 30_000 + 10_000;

const ADJUST_PATH = { kingdee: '/jdy/v2/ls/integral_adjust', qimai: '/v3/crm/points/', freemud: '/member/score/' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

/**
 * Makes `n` fresh members of `vendor` (index `from`…) in the shape of sim/seed.json, each with
 * a large balance and no ledger rows. Returns [{ id, mobile, ref, target }] and the seed entries.
 * `target` is the string the vendor's adjust request carries (the fault/jump `member` filter).
 */
function makeMembers(vendor, template, from, n) {
  const out = [];
  const seedRows = [];
  for (let k = 0; k < n; k++) {
    const i = from + k;
    const pad = String(i).padStart(4, '0');
    if (vendor === 'kingdee') {
      const m = { ...template, id: `148160000000000${pad}`, card_id: `149160000000000${pad}`, card_no: `CH${pad}`, mobile: `1391600${pad}`, name: `混沌${pad}`, balance: 100000, total: 100000, level_total: 100000, pre: 0 };
      seedRows.push(m);
      out.push({ id: m.id, mobile: m.mobile, ref: `id:${m.id},mobile:${m.mobile}`, target: m.mobile });
    } else if (vendor === 'freemud') {
      const m = { ...template, memberId: `11516000000000${pad}`, mobile: `1381600${pad}`, dynamicCode: `77${pad}`, nickName: `chaos${pad}`, memberName: `混沌${pad}`, thirdPartyCode: `oChaos${pad}`, unionId: `uChaos${pad}`, currentScore: 100000, totalScore: 100000, usedScore: 0 };
      seedRows.push(m);
      out.push({ id: m.memberId, mobile: m.mobile, ref: `id:${m.memberId},mobile:${m.mobile}`, target: m.memberId });
    } else {
      const m = { ...template, customerId: `38316000000000${pad}`, mobile: `1371600${pad}`, name: `混沌${pad}`, cardNumber: `QC${pad}`, userCode: `UCC${pad}`, openid: `oQmChaos${pad}`, unionid: `uQmChaos${pad}`, alipayUserId: `20881600000${pad}`, points: 100000, soonExpiredPoints: 0 };
      seedRows.push(m);
      out.push({ id: m.customerId, mobile: m.mobile, ref: `id:${m.customerId},mobile:${m.mobile}`, target: m.customerId });
    }
  }
  return { members: out, seedRows };
}

/**
 * What this checkout's gateway.mjs can do: on-disk Durable Object storage with kill() and
 * restart() on the handle, and a coordinator process several gateway processes share
 * (startCoordinator). Without them (main before the gateway work lands) the suite kills by
 * PID and starts a new process, whose storage is then whatever the gateway keeps, and
 * "two gateways" are two isolates of one process.
 */
export const CAN = { coordinator: typeof gateway.startCoordinator === 'function' };

/**
 * The gateway under workerd, killable and restartable. `storageDir` is where its Durable
 * Object storage lives (gateway.mjs's `storageDir`), kept across restarts.
 */
class Gateway {
  constructor(name, options) {
    this.name = name;
    this.options = options;
    this.storageDir = mkdtempSync(join(tmpdir(), `jifen-chaos-${name}-`));
    this.kills = 0;
    this.gw = null;
  }

  async start() {
    this.gw = await gateway.startGateway({ ...this.options, ...storageOptions(this.storageDir) });
    return this;
  }

  /** The URL of instance `i` (null while the process is down: the caller sees "no answer"). */
  url(i = 0) {
    if (!this.gw) return null;
    return this.gw.urls[i % this.gw.urls.length];
  }

  get instances() { return this.options.instances ?? 1; }

  /** SIGKILL by PID, then start again on the same storage after `downMs`. */
  async killAndRestart(downMs = 300) {
    const old = this.gw;
    this.gw = null; // callers see the gateway down
    this.kills += 1;
    if (typeof old.kill === 'function' && typeof old.restart === 'function') {
      await old.kill('SIGKILL'); // by PID; waits for the exit; storage kept
      await sleep(downMs);
      await old.restart(); // same config, ports and storage
      this.gw = old;
      return;
    }
    process.kill(old.pid, 'SIGKILL');
    await old.stop(); // waits for the exit; removes the generated config only
    await sleep(downMs);
    await this.start();
  }

  output() { return this.gw ? this.gw.output() : ''; }

  async stop() {
    if (this.gw) await this.gw.stop();
    rmSync(this.storageDir, { recursive: true, force: true });
  }
}

/**
 * The startGateway options that put Durable Object storage in `dir`, for a gateway that
 * supports it (gateway.mjs's `storageDir`). A gateway that does not ignores them and keeps
 * its storage in memory: a killed process then forgets every key.
 */
export function storageOptions(dir) {
  return { storageDir: dir };
}

/** One vendor's run: sim, gateways, scenarios, end phase, check. */
export async function runVendor(vendor, { profile = 'short', seed = 1, log = false } = {}) {
  const P = typeof profile === 'string' ? PROFILES[profile] : profile;
  const rand = prng(seed * 7919 + VENDORS.indexOf(vendor));
  const run = Date.now().toString(36).slice(-5);
  const started = Date.now();
  const say = (msg) => { if (log) console.error(`[chaos ${vendor} +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`); };

  // Members: every scenario its own.
  const base = loadSeed();
  const template = vendor === 'kingdee' ? base.kingdee.members[2] : vendor === 'freemud' ? base.freemud.members[2] : base.qimai.customers[2];
  let next = 1;
  const extra = [];
  const membersFor = (n) => {
    const { members, seedRows } = makeMembers(vendor, template, next, n);
    next += n;
    extra.push(...seedRows);
    return members;
  };
  const scenarioMembers = {
    'load-faults': membersFor(3),
    'kill-restart': membersFor(3),
    'late-writes': membersFor(P.lateMs.length),
    'clock-jumps': membersFor(P.jumpsMs.length),
    'clock-jump-at-write': membersFor(P.jumpsAtWriteMs.length),
    'same-change-two-keys': membersFor(P.pairs),
    'token-expiry-429': membersFor(2),
    'two-gateways': membersFor(2),
  };
  const seedData = structuredClone(base);
  if (vendor === 'qimai') seedData.qimai.customers.push(...extra);
  else seedData[vendor].members.push(...extra);

  // CHAOS_SIM_LOG=1: every vendor request the sim sees, on stderr.
  const sim = await startSim({ port: 0, seed: seedData, log: process.env.CHAOS_SIM_LOG ? (l) => console.error(`[sim ${vendor}] ${l}`) : false });
  // With a coordinator process, every gateway process of the run shares one store (keys, token).
  let coordinator = null;
  let coordinatorDir = null;
  if (CAN.coordinator) {
    coordinatorDir = mkdtempSync(join(tmpdir(), `jifen-chaos-${vendor}-coordinator-`));
    coordinator = await gateway.startCoordinator({ storageDir: coordinatorDir });
  }
  const gwOptions = {
    ...(coordinator ? { coordinatorUrl: coordinator.url, coordinatorToken: coordinator.token } : {}),
    vendor,
    credentials: accounts[vendor],
    upstream: `${sim.url}/${vendor}`,
    adminToken: ADMIN_TOKEN,
    coordinator: true,
    bindings: { TIMEOUT_MS: String(GATEWAY_TIMEOUT_MS) },
  };
  const main = new Gateway(`${vendor}-main`, { ...gwOptions, instances: 2 });
  const killable = new Gateway(`${vendor}-kill`, { ...gwOptions, instances: 1 });
  // The two gateways of 'two-gateways': two processes sharing the coordinator when there is
  // one, else two isolates of one process sharing its Durable Object namespace.
  const pair = CAN.coordinator ? [[main, 0], [killable, 0]] : [[main, 0], [main, 1]];
  const changes = [];
  const notes = [];
  const broken = []; // scenarios that could not run to their end: the run is not clean
  let lastAttempt = Date.now();
  try {
    await Promise.all([main.start(), killable.start()]);
    const caps = await (await fetch(`${main.url(0)}/api/capabilities`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    const earn = ['promotion', 'manual_grant', 'purchase'].find((r) => caps.reasons?.[r]);
    const spend = ['manual_deduction', 'redemption'].find((r) => caps.reasons?.[r]);
    const typeOf = (reason) => String(caps.reasons[reason].code);
    say(`sim ${sim.url}, gateways ${main.gw.urls.join(' ')} (pid ${main.gw.pid}) and ${killable.url(0)} (pid ${killable.gw.pid})${coordinator ? `, coordinator ${coordinator.url} (pid ${coordinator.pid})` : ', no coordinator process'}; earn ${earn} (${typeOf(earn)}), spend ${spend}`);
    notes.push(CAN.coordinator ? 'gateways: 2 processes (one with 2 isolates) sharing a coordinator process, storage on disk' : 'gateways: 2 processes with separate stores; "two gateways" = 2 isolates of one process (this gateway.mjs has no coordinator process)');

    // ---------------------------------------------------------------- plumbing
    let deltaSeq = 0;
    const newChange = (scenario, member, { delta, reason = earn, key } = {}) => {
      const d = delta ?? ++deltaSeq;
      const c = {
        scenario, vendor, member: member.id, memberRef: member.ref, delta: d, reason, type: typeOf(reason),
        key: key ?? `c${run}-${scenario.split('-').map((w) => w[0]).join('')}-${changes.length}`, answers: [],
      };
      changes.push(c);
      return c;
    };
    const body = (c) => ({ member: c.memberRef, delta: c.delta, reason: c.reason, ...(vendor === 'freemud' ? { orderId: c.key } : {}) });

    /** One call to the gateway; the classified answer is recorded on the change. */
    async function send(c, gw, instance = 0, phase = 'main') {
      const url = gw.url(instance);
      lastAttempt = Date.now();
      let a;
      if (!url) {
        a = { status: 0, kind: 'pending', code: 'gateway_down' };
        await sleep(200);
      } else {
        try {
          const r = await fetch(`${url}/api/adjust`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': c.key },
            body: JSON.stringify(body(c)),
            signal: AbortSignal.timeout(CALLER_TIMEOUT_MS),
          });
          const text = await r.text();
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          a = classify(r.status, json);
          if (a.kind === 'pending' && json?.error?.message) a.message = json.error.message.slice(0, 160);
        } catch (e) {
          a = { status: 0, kind: 'pending', code: e?.name === 'TimeoutError' ? 'caller_timeout' : 'no_answer' };
        }
      }
      lastAttempt = Date.now();
      a.phase = phase;
      a.gateway = `${gw.name}#${instance}`;
      c.answers.push(a);
      return a;
    }
    const definite = (c) => c.answers.some((a) => a.kind !== 'pending');

    /**
     * A careful caller: retries with the same key while the answer is not definite.
     * `via`: [[gateway, instance], …] taken in turn (default: `gw`'s `instances`).
     */
    async function settle(c, gw, { attempts = P.attempts, instances = [0], via = instances.map((i) => [gw, i]) } = {}) {
      for (let i = 0; i < attempts; i++) {
        const [g, n] = via[i % via.length];
        const a = await send(c, g, n);
        if (a.kind !== 'pending') return a;
        await sleep(Math.min(a.retryAfterMs ?? 250 * (i + 1), 3000));
      }
      return null;
    }

    const simPost = async (path, payload) => {
      const r = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
      if (!r.ok) throw new Error(`sim ${path}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const fault = (spec) => simPost('/_sim/faults', Array.isArray(spec) ? spec.map((f) => ({ vendor, ...f })) : { vendor, ...spec });
    const FAULT_KINDS = ['status', 'drop', 'apply_no_reply', 'malformed', 'latency', 'rate_limit', 'apply_late'];
    let faultTurn = 0;
    const randomFault = async (member) => {
      const kind = FAULT_KINDS[faultTurn++ % FAULT_KINDS.length];
      const spec = { path: ADJUST_PATH[vendor], member: member.target, kind };
      if (kind === 'latency') spec.ms = 50 + Math.floor(rand() * 900);
      if (kind === 'apply_late') spec.ms = 100 + Math.floor(rand() * 4000);
      if (kind === 'status') spec.status = [500, 502, 503][Math.floor(rand() * 3)];
      await fault(spec);
    };

    /** `callers` concurrent callers working through `plan` (changes) on `gw`. */
    async function crowd(plan, gw, callers, faultRate, members) {
      let i = 0;
      await Promise.all(Array.from({ length: callers }, async (_, k) => {
        while (i < plan.length) {
          const c = plan[i++];
          if (rand() < faultRate) await randomFault(members.find((m) => m.id === c.member));
          await settle(c, gw, { instances: gw.instances > 1 ? [k % gw.instances, (k + 1) % gw.instances] : [0] });
        }
      }));
    }

    const plans = (name, n) => {
      const ms = scenarioMembers[name];
      return Array.from({ length: n }, (_, i) => {
        // one change in eight spends more than the member has: a definite refusal
        if (spend && i % 8 === 7) return newChange(name, ms[i % ms.length], { delta: -(5_000_000 + ++deltaSeq), reason: spend });
        return newChange(name, ms[i % ms.length]);
      });
    };

    // ---------------------------------------------------------------- scenarios
    const scenarios = {
      'load-faults': async () => {
        await crowd(plans('load-faults', P.load.changes), main, P.load.callers, P.load.faultRate, scenarioMembers['load-faults']);
      },

      'kill-restart': async () => {
        const plan = plans('kill-restart', P.kill.changes);
        const work = crowd(plan, killable, P.kill.callers, P.kill.faultRate, scenarioMembers['kill-restart']);
        let done = false;
        work.then(() => { done = true; }, () => { done = true; }); // (awaited below)
        for (let k = 0; k < P.kill.kills && !done; k++) {
          // Slow the next adjusts down so a write is in flight when the process dies.
          for (const m of scenarioMembers['kill-restart']) await fault({ path: ADJUST_PATH[vendor], member: m.target, kind: 'latency', ms: 1200 });
          await sleep(700 + Math.floor(rand() * 600));
          if (done) break;
          say(`SIGKILL workerd pid ${killable.gw.pid}`);
          await killable.killAndRestart(200 + Math.floor(rand() * 500));
          say(`restarted: pid ${killable.gw.pid}`);
          await sleep(1500);
        }
        await work;
        notes.push(`kill-restart: workerd killed with SIGKILL ${killable.kills}×`);
      },

      'late-writes': async () => {
        const ms = scenarioMembers['late-writes'];
        await Promise.all(P.lateMs.map(async (late, i) => {
          await fault({ path: ADJUST_PATH[vendor], member: ms[i].target, kind: 'apply_late', ms: late });
          await settle(newChange('late-writes', ms[i]), main);
        }));
      },

      'clock-jumps': async () => {
        const ms = scenarioMembers['clock-jumps'];
        await Promise.all(P.jumpsMs.map(async (jump, i) => {
          await sleep(i * 400); // one jump at a time
          // The reply is lost; the vendor's clock jumps just before the next request about this member
          // (Kingdee: the ledger read; Freemud, Qimai: the same-key repeat).
          await fault({ path: ADJUST_PATH[vendor], member: ms[i].target, kind: 'apply_no_reply' });
          await simPost('/_sim/clock', { jumpMs: jump, onRequest: { vendor, member: ms[i].target, nth: 2 } });
          await settle(newChange('clock-jumps', ms[i]), main);
        }));
      },

      'clock-jump-at-write': async () => {
        const ms = scenarioMembers['clock-jump-at-write'];
        await Promise.all(P.jumpsAtWriteMs.map(async (jump, i) => {
          await sleep(200 + i * 400);
          // The vendor clock jumps as the write arrives (after the client read it from a Date
          // header and signed): the row's time is off the client's estimate by the jump. The
          // vendor still accepts the timestamp (within 5 min); the reply is lost.
          await fault({ path: ADJUST_PATH[vendor], member: ms[i].target, kind: 'apply_no_reply' });
          await simPost('/_sim/clock', { jumpMs: jump, onRequest: { vendor, path: ADJUST_PATH[vendor], member: ms[i].target } });
          await settle(newChange('clock-jump-at-write', ms[i]), main);
        }));
      },

      'same-change-two-keys': async () => {
        const ms = scenarioMembers['same-change-two-keys'];
        await Promise.all(Array.from({ length: P.pairs }, async (_, i) => {
          const m = ms[i];
          const first = newChange('same-change-two-keys', m);
          const second = newChange('same-change-two-keys', m, { delta: first.delta, reason: first.reason });
          const variant = i % 4;
          if (variant === 0) {
            // ours is lost (applied, no reply); theirs comes while ours is unsettled
            await fault({ path: ADJUST_PATH[vendor], member: m.target, kind: 'apply_no_reply' });
            await send(first, main, 0);
            await send(second, main, 1);
          } else if (variant === 1) {
            // ours lands late; theirs right after ours timed out
            await fault({ path: ADJUST_PATH[vendor], member: m.target, kind: 'apply_late', ms: 3000 });
            await send(first, main, 0);
            await send(second, main, 0);
          } else if (variant === 2) {
            // both at once, ours slowed down
            await fault({ path: ADJUST_PATH[vendor], member: m.target, kind: 'latency', ms: 1000 });
            await Promise.all([send(first, main, 0), send(second, main, 1)]);
          } else {
            // ours never reaches the vendor's books (held past the gateway's timeout, then
            // dropped); theirs is applied while ours waits: their row is not ours
            await fault([
              { path: ADJUST_PATH[vendor], member: m.target, kind: 'latency', ms: GATEWAY_TIMEOUT_MS + 1000 },
              { path: ADJUST_PATH[vendor], member: m.target, kind: 'drop' },
            ]);
            await Promise.all([send(first, main, 0), sleep(400).then(() => send(second, main, 1))]);
          }
          await Promise.all([settle(first, main), settle(second, main, { instances: [1] })]);
        }));
      },

      'token-expiry-429': async () => {
        const ms = scenarioMembers['token-expiry-429'];
        const plan = Array.from({ length: P.token.changes }, (_, i) => newChange('token-expiry-429', ms[i % ms.length]));
        if (vendor === 'kingdee') {
          await simPost('/_sim/kingdee/expire-tokens', {});
          await simPost('/_sim/kingdee/token-storm', { ms: P.token.stormMs, retryAfter: Math.ceil(P.token.stormMs / 1000) });
          const half = Math.ceil(plan.length / 2);
          await Promise.all(plan.slice(0, half).map((c, i) => settle(c, main, { instances: [i % 2] })));
          await simPost('/_sim/kingdee/expire-tokens', {});
          await Promise.all(plan.slice(half).map((c, i) => settle(c, main, { instances: [i % 2] })));
          // The reply is lost and the ledger read that would settle it is refused with 429s.
          await Promise.all(ms.map(async (m) => {
            await fault([
              { path: ADJUST_PATH[vendor], member: m.target, kind: 'apply_no_reply' },
              { path: '/jdy/v2/ls/integral_record', member: m.target, kind: 'rate_limit', retryAfter: 2, times: 3 },
            ]);
            await settle(newChange('token-expiry-429', m), main);
          }));
        } else {
          // No token endpoint: a 429 storm on the points path instead.
          for (const m of ms) await fault({ path: ADJUST_PATH[vendor], member: m.target, kind: 'rate_limit', retryAfter: 1, times: 4 });
          await Promise.all(plan.map((c, i) => settle(c, main, { instances: [i % 2] })));
        }
      },

      'two-gateways': async () => {
        const ms = scenarioMembers['two-gateways'];
        const [[g1, n1], [g2, n2]] = pair;
        await Promise.all(Array.from({ length: P.twoGateways }, async (_, i) => {
          const c = newChange('two-gateways', ms[i % ms.length]);
          await sleep(i * 150);
          if (i % 2 === 0) {
            // lost reply on gateway 1, the same-key retry on gateway 2
            await fault({ path: ADJUST_PATH[vendor], member: ms[i % ms.length].target, kind: 'apply_no_reply' });
            await send(c, g1, n1);
            await settle(c, g2, { via: [[g2, n2], [g1, n1]] });
          } else {
            // the same key to both gateways at once, the vendor slow
            await fault({ path: ADJUST_PATH[vendor], member: ms[i % ms.length].target, kind: 'latency', ms: 800 });
            await Promise.all([send(c, g1, n1), send(c, g2, n2)]);
            await settle(c, g2, { via: [[g2, n2], [g1, n1]] });
          }
        }));
      },
    };

    // Kingdee token calls, sampled, to report the most in any rolling minute.
    const tokenSamples = [];
    const sampler = vendor === 'kingdee'
      ? setInterval(() => tokenSamples.push([Date.now(), sim.state().kingdee.counters.tokenEndpointHits]), 1000)
      : null;

    // Every scenario at once, except the token storm: it stops every Kingdee call for its
    // length, which would hide the other scenarios' faults, so it runs after them.
    const runScenario = async (name) => {
      try {
        await scenarios[name]();
      } catch (e) {
        broken.push(`scenario ${name} stopped: ${e?.stack ?? e}`);
      }
      say(`${name}: done`);
    };
    say('main phase');
    await Promise.all(Object.keys(scenarios).filter((n) => n !== 'token-expiry-429').map(runScenario));
    await runScenario('token-expiry-429');

    // ---------------------------------------------------------------- end phase
    await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
    const lastWrite = sim.state().now;
    await simPost('/_sim/clock', { jumpMs: WINDOW_JUMP_MS });
    say(`end phase: sim clock +${WINDOW_JUMP_MS / 1000}s past the last write (${new Date(lastWrite).toISOString()}); ${sim.state().lateWrites.pending.length} late writes still pending`);
    const wait = lastAttempt + P.marginMs - Date.now();
    if (wait > 0 && changes.some((c) => !definite(c))) { say(`waiting ${Math.round(wait / 1000)}s of real time`); await sleep(wait); }
    for (let round = 1; round <= P.rounds; round++) {
      const open = changes.filter((c) => !definite(c));
      if (!open.length) break;
      say(`round ${round}: ${open.length} key(s) without a definite answer`);
      const answers = [];
      let k = 0;
      await Promise.all(Array.from({ length: 6 }, async () => {
        while (k < open.length) {
          const c = open[k++];
          const gw = c.scenario === 'kill-restart' ? killable : main;
          answers.push(await send(c, gw, round % gw.instances, `end-${round}`));
        }
      }));
      const later = answers.filter((a) => a.kind === 'pending').map((a) => a.retryAfterMs ?? 1000);
      if (!later.length || round === P.rounds) continue;
      const most = Math.max(...later);
      if (most > P.roundWaitCapMs) await simPost('/_sim/clock', { jumpMs: most });
      await sleep(Math.min(most, P.roundWaitCapMs));
    }
    if (sampler) clearInterval(sampler);

    // ---------------------------------------------------------------- check
    const ledger = sim.ledger(vendor);
    const ours = new Set(Object.values(scenarioMembers).flat().map((m) => m.id));
    const rows = ledger.rows.filter((r) => ours.has(r.member));
    const report = check({ changes, rows, keyed: vendor !== 'kingdee' });
    let tokenViolation = false;
    // Balances: each member's balance = its start + its rows (the sim's own bookkeeping).
    for (const id of ours) {
      const sum = rows.filter((r) => r.member === id).reduce((s, r) => s + r.delta, 0);
      if (ledger.balances[id] !== 100000 + sum) report.findings.push(`member ${id}: balance ${ledger.balances[id]} ≠ 100000 + rows ${sum}`);
    }
    if (vendor === 'kingdee') {
      let most = 0;
      for (const [t, n] of tokenSamples) {
        const before = tokenSamples.filter(([u]) => u <= t - 60_000).at(-1)?.[1] ?? 0;
        most = Math.max(most, n - before);
      }
      const st = sim.state().kingdee.counters;
      notes.push(`token endpoint: ${st.tokenEndpointHits} calls (${st.tokenStormHits} refused by the storm); at most ${most} in a rolling minute (limit 2)`);
      // Every gateway shares one token cache only through a coordinator process; then the
      // limit is the account set's, across all of them.
      if (CAN.coordinator && most > 2) {
        tokenViolation = true;
        report.findings.push(`token endpoint: ${most} calls in one rolling minute by gateways sharing a token cache (limit 2)`);
      }
    }
    report.findings.push(...broken);
    const codes = {};
    for (const c of changes) for (const a of c.answers) codes[a.code] = (codes[a.code] ?? 0) + 1;
    notes.push(`answers by code: ${JSON.stringify(codes)}`);
    return {
      vendor, profile: typeof profile === 'string' ? profile : 'custom', seed, wallMs: Date.now() - started, report, notes,
      changes: changes.map(({ memberRef, ...c }) => c),
      rows,
      clean: clean(report.total) && !tokenViolation && !broken.length && !report.findings.some((f) => f.startsWith('member ')),
      gatewayOutput: main.output().split('\n').filter((l) => /internal|error/i.test(l)).slice(0, 20),
    };
  } finally {
    await Promise.allSettled([main.stop(), killable.stop()]);
    if (coordinator) await coordinator.stop().catch(() => {});
    if (coordinatorDir) rmSync(coordinatorDir, { recursive: true, force: true });
    await sim.close();
  }
}

/** Every vendor, concurrently unless `serial`. */
export async function runChaos({ vendors = VENDORS, profile = 'short', seed = 1, serial = false, log = false } = {}) {
  if (serial) {
    const out = [];
    for (const v of vendors) out.push(await runVendor(v, { profile, seed, log }));
    return out;
  }
  return Promise.all(vendors.map((v) => runVendor(v, { profile, seed, log })));
}

/** The printed report: the table, then notes and findings per vendor. */
export function render(results) {
  const lines = [table(results), ''];
  for (const r of results) {
    lines.push(`${r.vendor}: ${r.clean ? 'CLEAN' : 'NOT CLEAN'} in ${(r.wallMs / 1000).toFixed(1)} s`);
    for (const n of r.notes) lines.push(`  note: ${n}`);
    for (const f of r.report.findings.slice(0, 40)) lines.push(`  finding: ${f}`);
    if (r.report.findings.length > 40) lines.push(`  … ${r.report.findings.length - 40} more findings`);
  }
  return lines.join('\n');
}

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
  const profile = opt('profile', 'short');
  if (!PROFILES[profile]) {
    console.error(`--profile must be one of ${Object.keys(PROFILES).join(', ')}`);
    process.exit(2);
  }
  const vendors = opt('vendors', VENDORS.join(',')).split(',');
  const t0 = Date.now();
  const results = await runChaos({ vendors, profile, seed: Number(opt('seed', 1)), serial: args.includes('--serial'), log: args.includes('--log') });
  console.log(render(results));
  const out = opt('out', `test-output/chaos-${profile}.json`);
  writeReport(out, results, `node tests/chaos/run.mjs ${args.join(' ')}`.trim());
  console.log(`\n${vendors.length} vendor(s), profile ${profile}, ${((Date.now() - t0) / 1000).toFixed(1)} s; written to ${out}`);
  process.exit(results.every((r) => r.clean) ? 0 : 1);
}
