// The jifen vendor simulator: one HTTP server, three vendors under path prefixes.
//   http://127.0.0.1:<port>/kingdee/...   Kingdee JDY open API v2
//   http://127.0.0.1:<port>/freemud/...   Freemud 开个店 open API
//   http://127.0.0.1:<port>/qimai/...     Qimai API v2 gateway and v3
//   http://127.0.0.1:<port>/_sim/...      inspection and control (see README.md)
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { Faults, FaultError } from './faults.mjs';
import { createKingdee } from './kingdee.mjs';
import { createFreemud } from './freemud.mjs';
import { createQimai } from './qimai.mjs';
import { Counters, sleep } from './util.mjs';

/**
 * The vendors the simulator serves, listed once: each lives under `/<name>/`, is made by its
 * module's `create…`, and shows its ledger to checkers through `ledgerView` (rows oldest first in
 * one shape: id, member, mobile, delta, type, key, createTime; balances by member id). A new
 * vendor is its module and one row here.
 */
const VENDORS = [
  {
    name: 'kingdee',
    create: createKingdee,
    ledgerView(s) {
      const mobileOf = new Map(s.members.map((m) => [m.id, m.mobile]));
      return {
        rows: s.ledger.map((r) => ({ id: r.id, member: r.member_id, mobile: mobileOf.get(r.member_id), delta: Number(r.occur), type: r.type_number, key: null, createTime: r.create_time })),
        balances: Object.fromEntries(s.members.map((m) => [m.id, m.balance])),
      };
    },
  },
  {
    name: 'freemud',
    create: createFreemud,
    ledgerView(s) {
      const members = Array.isArray(s.members) ? s.members : Object.values(s.members);
      const mobileOf = new Map(members.map((m) => [m.memberId, m.mobile]));
      return {
        rows: s.ledger.map((r) => ({ id: r.transNo, member: r.memberId, mobile: mobileOf.get(r.memberId), delta: r.changeType === 2 ? -r.changeScore : r.changeScore, type: String(r.operationType), key: r.idempotencyBussinessId, createTime: r.createTime })),
        balances: Object.fromEntries(members.map((m) => [m.memberId, m.currentScore])),
      };
    },
  },
  {
    name: 'qimai',
    create: createQimai,
    ledgerView(s) {
      const mobileOf = new Map(s.customers.map((c) => [c.customerId, c.mobile]));
      return {
        rows: s.ledger.map((r) => ({ id: r.id, member: r.customerId, mobile: mobileOf.get(r.customerId), delta: r.changePoints, type: String(r.sourceType), key: r.bizId, createTime: r.createdAt })),
        balances: Object.fromEntries(s.customers.map((c) => [c.customerId, c.points])),
      };
    },
  },
];
const NAMES = VENDORS.map((v) => v.name);
/** `a, b or c`. */
const NAMES_TEXT = `${NAMES.slice(0, -1).join(', ')} or ${NAMES[NAMES.length - 1]}`;
/** `/a(…)|/b(…)`: the first path segment that names a vendor. */
const VENDOR_SEGMENT = NAMES.join('|');

const here = (p) => new URL(p, import.meta.url);
export const MAX_BODY_BYTES = 1024 * 1024;

export function loadAccounts() { return JSON.parse(readFileSync(here('./accounts.json'), 'utf8')); }
export function loadSeed() { return JSON.parse(readFileSync(here('./seed.json'), 'utf8')); }

const CORS_ALLOW_HEADERS = [
  'Content-Type', 'Accept', 'Authorization', 'Idempotency-Key',
  'X-Api-ClientID', 'X-Api-Auth-Version', 'X-Api-TimeStamp', 'X-Api-Nonce', 'X-Api-SignHeaders', 'X-Api-Signature',
  'app-token', 'X-GW-Router-Addr', 'access_token', 'x-transaction-id',
];
const CORS_EXPOSE_HEADERS = ['X-Api-Requestid', 'Retry-After', 'Date', 'Content-Type'];

function corsHeaders(req) {
  const requested = req.headers['access-control-request-headers'];
  return {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': requested ? `${CORS_ALLOW_HEADERS.join(', ')}, ${requested}` : CORS_ALLOW_HEADERS.join(', '),
    'Access-Control-Expose-Headers': CORS_EXPOSE_HEADERS.join(', '),
    'Access-Control-Max-Age': '600',
  };
}

/** Read the request body up to MAX_BODY_BYTES; resolves { body, tooLarge }. */
function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) { tooLarge = true; chunks.length = 0; } else if (!tooLarge) chunks.push(c);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => resolve({ body: '', tooLarge, aborted: true }));
  });
}

/**
 * Start the simulator. `port` 0 = ephemeral. `now` = optional clock function (epoch ms).
 * `log` = true (console), a function(line), or false.
 * Returns { url, port, close(), state() , sim } where `sim` gives direct access for tests.
 */
/**
 * The query as logged: values of credential parameters (Kingdee's `app_signature`
 * opens a token for anyone who has it; any `*token*`, `*secret*`, `*signature*`,
 * `sign`) become `***`. Test credentials only, but a log is where real ones leak from.
 */
export function maskQuery(rawQuery) {
  return rawQuery.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try { name = decodeURIComponent(name); } catch { /* logged as sent */ }
    return /token|secret|signature|^sign$|password/i.test(name) ? `${pair.slice(0, eq)}=***` : pair;
  }).join('&');
}

export async function startSim({ port = 0, host = '127.0.0.1', log = false, now, accounts, seed } = {}) {
  const acc = accounts || loadAccounts();
  const seedData = seed || loadSeed();
  const baseNow = typeof now === 'function' ? now : Date.now;
  // The sim clock: the base clock plus a settable offset (clock jumps). `pinnedMs` holds it still
  // while a late write is applied, so the write is stamped with the time it was due.
  const clock = { offsetMs: 0, pinnedMs: null };
  const simNow = () => clock.pinnedMs ?? baseNow() + clock.offsetMs;
  const logLine = log === true ? (l) => console.log(l) : typeof log === 'function' ? log : () => {};

  const faults = new Faults();
  const vendors = {};
  const counters = {};
  const views = {};
  for (const v of VENDORS) {
    vendors[v.name] = v.create({ account: acc[v.name], seed: seedData[v.name], now: simNow, log: logLine });
    counters[v.name] = new Counters();
    views[v.name] = v.ledgerView;
  }

  // Writes that land later (fault apply_late): { id, vendor, req, dueMs (sim time) }, applied in
  // due order when the sim clock passes dueMs: on a timer, after every clock change, and before
  // any vendor request is handled (so a request never sees the world without a write already due).
  const late = { list: [], nextId: 1, applied: [] };
  function flushLate() {
    const t = simNow();
    const due = late.list.filter((w) => w.dueMs <= t).sort((a, b) => a.dueMs - b.dueMs || a.id - b.id);
    if (!due.length) return;
    late.list = late.list.filter((w) => w.dueMs > t);
    for (const w of due) {
      let reply;
      clock.pinnedMs = w.dueMs;
      try {
        reply = vendors[w.vendor].handle(w.req, { admitted: true });
      } catch (e) {
        reply = { status: 500, note: `internal error: ${e && e.message}` };
      } finally {
        clock.pinnedMs = null;
      }
      const done = (r) => {
        late.applied.push({ id: w.id, vendor: w.vendor, path: w.req.path, dueMs: w.dueMs, status: r.status });
        logLine(`${new Date().toISOString()} late write #${w.id} ${w.req.method} /${w.vendor}${w.req.path} -> ${w.vendor} ${r.status} ${r.note || ''} [fault apply_late, due ${new Date(w.dueMs).toISOString()}]`);
      };
      if (reply && typeof reply.then === 'function') reply.then(done, () => {}); else done(reply);
    }
  }
  const lateTimer = setInterval(flushLate, 25);
  lateTimer.unref?.();

  // Clock jumps: now, after `afterMs` real ms, or just before the next request that matches.
  const jumps = { onRequest: [], timers: new Set() };
  function jump(ms) {
    clock.offsetMs += ms;
    flushLate();
  }
  function takeRequestJumps(vendorName, req, text) {
    const hit = jumps.onRequest.filter((j) => (j.vendor === undefined || j.vendor === vendorName)
      && (j.path === undefined || req.path.startsWith(j.path) || req.fullPath.startsWith(j.path))
      && (j.method === undefined || j.method === req.method)
      && (j.member === undefined || text.includes(j.member))
      && ++j.seen >= j.nth);
    if (!hit.length) return [];
    jumps.onRequest = jumps.onRequest.filter((j) => !hit.includes(j));
    for (const j of hit) jump(j.jumpMs);
    return hit;
  }
  function clearJumps() {
    jumps.onRequest = [];
    for (const t of jumps.timers) clearTimeout(t);
    jumps.timers.clear();
  }
  function clockControl(b) {
    if (b.offsetMs !== undefined) {
      if (!Number.isFinite(b.offsetMs)) throw new Error('offsetMs must be a number');
      clock.offsetMs = b.offsetMs;
      flushLate();
    }
    if (b.jumpMs !== undefined) {
      if (!Number.isFinite(b.jumpMs)) throw new Error('jumpMs must be a number (ms, may be negative)');
      const { afterMs, onRequest } = b;
      if (afterMs !== undefined && onRequest !== undefined) throw new Error('give afterMs or onRequest, not both');
      if (afterMs !== undefined) {
        if (!Number.isFinite(afterMs) || afterMs < 0 || afterMs > 3600000) throw new Error('afterMs must be 0..3600000');
        const t = setTimeout(() => { jumps.timers.delete(t); jump(b.jumpMs); }, afterMs);
        t.unref?.();
        jumps.timers.add(t);
      } else if (onRequest !== undefined) {
        const o = onRequest === true ? {} : onRequest;
        if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('onRequest must be true or {vendor?, path?, method?}');
        if (o.vendor !== undefined && !(o.vendor in vendors)) throw new Error(`onRequest.vendor must be ${NAMES_TEXT}`);
        if (o.path !== undefined && (typeof o.path !== 'string' || !o.path.startsWith('/'))) throw new Error('onRequest.path must start with /');
        if (o.member !== undefined && (typeof o.member !== 'string' || !o.member)) throw new Error('onRequest.member must be a member id or mobile');
        const nth = o.nth ?? 1;
        if (!Number.isSafeInteger(nth) || nth < 1) throw new Error('onRequest.nth must be a positive integer');
        jumps.onRequest.push({ jumpMs: b.jumpMs, vendor: o.vendor, path: o.path, method: typeof o.method === 'string' ? o.method.toUpperCase() : undefined, member: o.member, nth, seen: 0 });
      } else {
        jump(b.jumpMs);
      }
    }
    return { offsetMs: clock.offsetMs, now: simNow(), pendingJumps: jumps.onRequest.length + jumps.timers.size };
  }

  /** One vendor's ledger and balances in one shape for checkers: rows oldest first. */
  function ledgerOf(name, member) {
    const s = vendors[name].state();
    let { rows, balances } = views[name](s);
    if (member) {
      rows = rows.filter((r) => r.member === member || r.mobile === member);
      balances = Object.fromEntries(Object.entries(balances).filter(([id]) => id === member || rows.some((r) => r.member === id)));
    }
    return { vendor: name, now: simNow(), rows: rows.reverse(), balances, lateWritesPending: late.list.filter((w) => w.vendor === name).length };
  }

  function fullState() {
    const out = { now: simNow(), clockOffsetMs: clock.offsetMs, faults: faults.toJSON(), lateWrites: { pending: late.list.map(({ req, ...w }) => ({ ...w, path: req.path })), applied: late.applied.slice() } };
    for (const [name, v] of Object.entries(vendors)) {
      const s = v.state();
      s.counters = { ...counters[name].toJSON(), ...(s.counters || {}) };
      const other = (f) => new RegExp(`^/(${VENDOR_SEGMENT})(/|$)`).test(f.path || '') && !f.path.startsWith(`/${name}`);
      s.faults = faults.toJSON().filter((f) => (f.vendor === undefined ? !other(f) : f.vendor === name));
      out[name] = s;
    }
    return out;
  }

  function resetAll() {
    for (const v of Object.values(vendors)) v.reset();
    for (const c of Object.values(counters)) c.reset();
    faults.clear();
    clock.offsetMs = 0;
    late.list = [];
    late.applied = [];
    clearJumps();
  }

  const send = (res, reply, extra) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(reply.status, { ...extra, ...reply.headers });
    res.end(reply.body);
  };
  const simJson = (status, obj) => ({ status, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: JSON.stringify(obj) });

  async function handleSim(req, res, path, body, rawQuery = '') {
    const parse = () => {
      if (!body) return {};
      return JSON.parse(body);
    };
    try {
      if (path === '/_sim/state' && req.method === 'GET') return simJson(200, fullState());
      if (path === '/_sim/health' && req.method === 'GET') return simJson(200, { ok: true });
      if (path === '/_sim/accounts' && req.method === 'GET') return simJson(200, acc);
      if (path === '/_sim/reset' && req.method === 'POST') { resetAll(); return simJson(200, { reset: true }); }
      if (path === '/_sim/faults') {
        if (req.method === 'GET') return simJson(200, { pending: faults.toJSON() });
        if (req.method === 'DELETE') { faults.clear(); return simJson(200, { pending: [] }); }
        if (req.method === 'POST') { const added = faults.add(parse()); return simJson(200, { added, pending: faults.toJSON() }); }
      }
      if (path === '/_sim/clock' && req.method === 'POST') return simJson(200, clockControl(parse()));
      if (path === '/_sim/clock' && req.method === 'GET') return simJson(200, clockControl({}));
      if (path === '/_sim/ledger' && req.method === 'GET') {
        const q = new URLSearchParams(rawQuery);
        const v = q.get('vendor');
        if (!(v in vendors)) return simJson(400, { error: `vendor must be ${NAMES_TEXT}` });
        return simJson(200, ledgerOf(v, q.get('member') || null));
      }
      const m = new RegExp(`^/_sim/(${VENDOR_SEGMENT})/([a-z-]+)$`).exec(path);
      if (m && req.method === 'POST') {
        const out = await vendors[m[1]].control(m[2], parse());
        if (out !== undefined) return simJson(200, out);
      }
      return simJson(404, { error: `no such sim endpoint: ${req.method} ${path}` });
    } catch (e) {
      if (e instanceof SyntaxError) return simJson(400, { error: 'body is not valid JSON' });
      return simJson(400, { error: e instanceof FaultError ? e.message : String(e.message || e) });
    }
  }

  const server = createServer(async (req, res) => {
    const started = Date.now();
    const cors = corsHeaders(req);
    const rawUrl = req.url || '/';
    const qi = rawUrl.indexOf('?');
    const fullPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);
    let note = '';
    let status = 0;
    const finish = (what) => logLine(`${new Date().toISOString()} ${req.method} ${fullPath}${rawQuery ? '?' + maskQuery(rawQuery) : ''} -> ${what} ${note} (${Date.now() - started}ms)`.replace(/ +\(/, ' ('));

    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors); res.end(); finish('204 preflight'); return;
    }
    const { body, tooLarge } = await readBody(req);

    if (fullPath === '/_sim' || fullPath.startsWith('/_sim/')) {
      const reply = tooLarge ? simJson(413, { error: 'body over 1 MiB' }) : await handleSim(req, res, fullPath, body, rawQuery);
      send(res, reply, cors); finish(String(reply.status)); return;
    }

    const vm = new RegExp(`^/(${VENDOR_SEGMENT})(/.*)?$`).exec(fullPath);
    if (!vm) {
      const reply = simJson(404, { error: `unknown path; vendors live under ${NAMES.map((n) => `/${n}`).join(', ')}` });
      send(res, reply, cors); finish('404'); return;
    }
    const vendorName = vm[1];
    const vendor = vendors[vendorName];
    const vendorPath = vm[2] || '/';
    counters[vendorName].hit(req.method, vendorPath);

    const reqInfo = { method: req.method, path: vendorPath, fullPath, rawQuery, headers: req.headers, body };
    let reply;
    let dropAfter = false;
    try {
      let text = body;
      try { text += `\n${decodeURIComponent(rawQuery.replace(/\+/g, ' '))}`; } catch { text += `\n${rawQuery}`; }
      const jumped = takeRequestJumps(vendorName, reqInfo, text);
      if (jumped.length) note += `[clock ${jumped.map((j) => `${j.jumpMs > 0 ? '+' : ''}${j.jumpMs}ms`).join(' ')}] `;
      flushLate();
      const { delayMs, action } = faults.take(vendorName, vendorPath, fullPath, { method: req.method, text });
      if (delayMs > 0) { await sleep(delayMs); note += `[latency ${delayMs}ms] `; }
      if (action && action.kind === 'drop') {
        req.socket.destroy(); finish('dropped [fault drop]'); return;
      }
      if (action && action.kind === 'apply_late' && !tooLarge) {
        const denied = vendor.admit ? vendor.admit(reqInfo) : null;
        if (denied) {
          reply = denied;
          note += '[fault apply_late: refused at admission]';
        } else {
          // The client waits in vain: no answer until it hangs up (or holdMs), then the write is due
          // `ms` of sim time later.
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, action.holdMs);
            res.once('close', () => { clearTimeout(timer); resolve(); });
          });
          req.socket.destroy();
          const w = { id: late.nextId++, vendor: vendorName, req: reqInfo, dueMs: simNow() + action.ms };
          late.list.push(w);
          finish(`held, no reply [fault apply_late #${w.id}: lands ${action.ms}ms of sim time later]`);
          return;
        }
      }
      if (tooLarge) {
        reply = vendor.faultReply('status', { status: 413 }, reqInfo);
        note += 'body over 1 MiB';
      } else if (reply) {
        // refused at admission (apply_late)
      } else if (action && action.kind !== 'apply_no_reply') {
        reply = vendor.faultReply(action.kind, action, reqInfo);
        note += `[fault ${action.kind}]`;
      } else {
        reply = await vendor.handle(reqInfo);
        note += reply.note || '';
        if (action) { dropAfter = true; note += ' [fault apply_no_reply]'; }
      }
    } catch (e) {
      reply = vendor.faultReply('status', { status: 500 }, reqInfo);
      note += `internal error: ${e && e.message}`;
    }
    if (dropAfter) { req.socket.destroy(); finish(`${reply.status} written, reply dropped`); return; }
    status = reply.status;
    // `Date` by the sim's clock (skewed by /_sim/clock), as a vendor's own server would send it.
    send(res, reply, { ...cors, Date: new Date(simNow()).toUTCString() });
    finish(`${vendorName} ${status}`);
  });
  server.keepAliveTimeout = 5000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const actualPort = server.address().port;
  const url = `http://${host}:${actualPort}`;

  return {
    url,
    port: actualPort,
    state: fullState,
    reset: resetAll,
    /** One vendor's ledger rows (oldest first) and balances, as GET /_sim/ledger serves them. */
    ledger: ledgerOf,
    /** Clock control, as POST /_sim/clock takes it: {offsetMs} | {jumpMs, afterMs? | onRequest?}. */
    setClock: clockControl,
    faults,
    vendors,
    clock,
    accounts: acc,
    close() {
      clearInterval(lateTimer);
      clearJumps();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
    },
  };
}
