// jifen on Cloudflare Workers: the stores a fleet of isolates shares.
//
// A Worker runs as many isolates in many places, each with its own jifen Client. Two things must
// be shared between them, and this module gives the platform's own storage for both:
//
// - the idempotency keys of adjustPoints: a Durable Object (strongly consistent, an atomic
//   putIfAbsent: the store that really deduplicates), or Workers KV (best-effort only, see
//   kvIdempotencyStore);
// - Kingdee's app-token (the token endpoint allows 2 calls a minute per account set): a Durable
//   Object holding the token (with the endpoint's call budget and any rate limit jifen keeps in the
//   same value) and a short lock, so one refresh runs fleet-wide and a dead holder's lock lapses
//   within seconds.
//
//   import { Client } from 'jifen';
//   import { JifenCoordinator, durableObjectIdempotencyStore, durableObjectTokenCache } from 'jifen/cloudflare';
//   export { JifenCoordinator };   // wrangler: [[durable_objects.bindings]] name = "JIFEN_COORDINATOR", class_name = "JifenCoordinator"
//   const client = new Client(config, {
//     idempotencyStore: durableObjectIdempotencyStore(env.JIFEN_COORDINATOR),
//     tokenCache: durableObjectTokenCache(env.JIFEN_COORDINATOR, `kingdee:${config.clientId}:${config.outerInstanceId ?? config.appKey}`),
//   });
//
// No dependencies; plain ESM. The object speaks a small JSON protocol over its `fetch` (no
// `cloudflare:workers` import, so any compatibility date works). What it stores is a credential
// (the token) and personal data (the keys): nothing it stores is ever logged or put in an error.

const ORIGIN = 'https://jifen.coordinator/';
const IDEM = 'i:'; // storage prefix of idempotency entries: { v, exp }
const TOKEN = 't'; // { value, expiresAt }
const LOCK = 'l'; // { holder, until }
const AUDIT = 'a:'; // audit entries, by time: a:<ms, 15 digits>:<id> → entry
const AUDIT_ID = 'ai:'; // the audit entry key of an id: ai:<id> → a:…
const MAX_AUDIT_ENTRY = 8 * 1024; // bytes of one entry's JSON
const AUDIT_SCAN = 1000; // keys one audit.list reads at most (filters may skip many)
const SWEEP_AFTER = 's'; // the last idempotency key the sweep listed, while a walk is under way
const MAX_KEY = 1024;
const MAX_VALUE = 64 * 1024;
const MAX_TTL_MS = 366 * 24 * 3600 * 1000;
/**
 * The longest a token-refresh lock lasts: a holder that dies (an isolate killed mid-refresh) stalls
 * the others this long at most. jifen asks for 5 s and renews it while it works; a longer request
 * (older clients asked for 30 s) is cut to this.
 */
const MAX_LOCK_MS = 10_000;
const SWEEP_MS = 3600 * 1000; // how often the object deletes expired entries
const SWEEP_BATCH = 1000;

/** Default lifetime of an idempotency entry (a key's claim and its recorded outcome): 7 days. */
export const DEFAULT_TTL_SECONDS = 7 * 24 * 3600;
/**
 * The shortest lifetime an idempotency store accepts: 1 day. A claim must outlive the change it
 * guards, or a second caller with the same key claims it again and sends the change twice; a
 * Kingdee adjustment whose reply was lost stays unsettled until the vendor's 5-minute acceptance
 * window has passed, and its key must still hold the try when the caller comes back to settle it
 * (hours later, after an outage).
 */
export const MIN_TTL_SECONDS = 24 * 3600;

class BadRequest extends Error {}

const isText = (s, max) => typeof s === 'string' && s.length > 0 && s.length <= max;
const isMs = (n, max) => Number.isSafeInteger(n) && n > 0 && n <= max;

function need(ok, what) {
  if (!ok) throw new BadRequest(what);
}

/**
 * The Durable Object class. One instance (one name) serves a set of idempotency keys, or one
 * account's token; the Worker exports it and binds a namespace of it.
 *
 * Atomicity: a Durable Object runs one event at a time, and its input gate stays closed while a
 * storage call is in flight, so the read-then-write in `putIfAbsent` and `lock` cannot interleave
 * with another request to the same object. A write is acknowledged only once it is stored (the
 * output gate), so a caller told `true` holds the key.
 */
export class JifenCoordinator {
  /** @param {{ storage: any }} state @param {unknown} env */
  constructor(state, env) {
    this.storage = state.storage;
    this.env = env;
  }

  /** The JSON protocol: POST { op, ... } → { result } (200) or { error } (400/405). */
  async fetch(request) {
    if (request.method !== 'POST') return reply(405, { error: 'POST only' });
    let msg;
    try {
      msg = await request.json();
    } catch {
      return reply(400, { error: 'the body is not JSON' });
    }
    try {
      need(msg && typeof msg === 'object' && typeof msg.op === 'string', 'no op');
      const op = OPS[msg.op];
      need(typeof op === 'function' && Object.hasOwn(OPS, msg.op), 'unknown op');
      return reply(200, { result: await op.call(this, msg, Date.now()) });
    } catch (e) {
      // Fixed texts only: a message could otherwise carry a key or a token.
      if (e instanceof BadRequest) return reply(400, { error: e.message });
      return reply(500, { error: 'storage failed' });
    }
  }

  /**
   * Deletes expired idempotency entries (never a live one), a batch at a time in key order,
   * resuming after the last key it listed, while any entries remain: a walk over the whole
   * store, the next batch a second later, then again an hour after the walk ends.
   */
  async alarm() {
    const now = Date.now();
    let next = now + SWEEP_MS;
    let left = true;
    try {
      const after = await this.storage.get(SWEEP_AFTER);
      const entries = await this.storage.list({ prefix: IDEM, limit: SWEEP_BATCH, ...(after ? { startAfter: after } : {}) });
      const expired = [];
      let last = null;
      for (const [k, e] of entries) {
        last = k;
        if (!(e?.exp > now)) expired.push(k);
      }
      for (let i = 0; i < expired.length; i += 128) await this.storage.delete(expired.slice(i, i + 128));
      if (entries.size === SWEEP_BATCH) {
        await this.storage.put(SWEEP_AFTER, last); // more after this batch
        next = now + 1000;
      } else {
        if (after) await this.storage.delete(SWEEP_AFTER); // the walk is done: next time from the start
        left = Boolean(after) || entries.size > expired.length;
      }
    } catch {
      // Try again at the next sweep.
    }
    if (left) await this.storage.setAlarm(next);
  }
}

async function scheduleSweep(storage, now) {
  if (typeof storage.getAlarm !== 'function') return;
  try {
    if ((await storage.getAlarm()) === null) await storage.setAlarm(now + SWEEP_MS);
  } catch {
    // No alarms here: entries still expire lazily on read.
  }
}

/** The operations; `this` is the JifenCoordinator, `now` the request's time. */
const OPS = {
  async 'idem.get'({ key }, now) {
    need(isText(key, MAX_KEY), 'bad key');
    const e = await this.storage.get(IDEM + key);
    return e && e.exp > now ? e.v : null;
  },
  async 'idem.putIfAbsent'({ key, value, ttlMs }, now) {
    need(isText(key, MAX_KEY), 'bad key');
    need(typeof value === 'string' && value.length <= MAX_VALUE, 'bad value');
    need(isMs(ttlMs, MAX_TTL_MS), 'bad ttlMs');
    const e = await this.storage.get(IDEM + key);
    if (e && e.exp > now) return false;
    await this.storage.put(IDEM + key, { v: value, exp: now + ttlMs });
    await scheduleSweep(this.storage, now);
    return true;
  },
  // Compare-and-set: Kingdee's settlement records each attempt's window in the claim and serialises
  // identical changes through a lane key (jifen's kingdee_settle.rs); the read-then-write cannot
  // interleave with another call (see the note on the class).
  async 'idem.replace'({ key, expected, value, ttlMs }, now) {
    need(isText(key, MAX_KEY), 'bad key');
    need(typeof expected === 'string' && expected.length <= MAX_VALUE, 'bad expected');
    need(typeof value === 'string' && value.length <= MAX_VALUE, 'bad value');
    need(isMs(ttlMs, MAX_TTL_MS), 'bad ttlMs');
    const e = await this.storage.get(IDEM + key);
    if (!e || e.exp <= now || e.v !== expected) return false;
    await this.storage.put(IDEM + key, { v: value, exp: now + ttlMs });
    return true;
  },
  async 'idem.delete'({ key }) {
    need(isText(key, MAX_KEY), 'bad key');
    await this.storage.delete(IDEM + key);
    return true;
  },
  /**
   * Records a points change, or updates the one recorded under `id` (its outcome, once known):
   * `create` is stored only if `id` is new (with `at`, the object's clock), `update` always
   * replaces the fields it names. Returns the stored entry.
   */
  async 'audit.put'({ id, create, update }, now) {
    need(isText(id, MAX_KEY), 'bad id');
    const isObject = (o) => o === undefined || (o && typeof o === 'object' && !Array.isArray(o));
    need(isObject(create) && isObject(update), 'bad entry');
    const key = await this.storage.get(AUDIT_ID + id);
    const old = key ? await this.storage.get(key) : null;
    const next = old ? { ...old, ...update, id, at: old.at } : { ...create, ...update, id, at: now };
    need(JSON.stringify(next).length <= MAX_AUDIT_ENTRY, 'entry too large');
    const at = key ?? `${AUDIT}${String(next.at).padStart(15, '0')}:${id}`;
    await this.storage.put({ [at]: next, [AUDIT_ID + id]: at });
    return next;
  },
  /**
   * Entries newest first, `at` in [from, to] (ms, inclusive), optionally only one member's (`member`:
   * a key or a list of keys, matching an entry's `member` or any of its `members`) or one `operator`'s: `{ entries, cursor }`, `cursor` (null at the end) continuing after the last
   * entry read. At most `limit` entries and AUDIT_SCAN keys read per call.
   */
  async 'audit.list'({ from, to, member, operator, cursor, limit }) {
    need(from === undefined || from === null || Number.isSafeInteger(from), 'bad from');
    need(to === undefined || to === null || Number.isSafeInteger(to), 'bad to');
    need(cursor === undefined || cursor === null || (isText(cursor, MAX_KEY + 32) && cursor.startsWith(AUDIT)), 'bad cursor');
    need(Number.isSafeInteger(limit) && limit > 0 && limit <= 500, 'bad limit');
    need(member == null || isText(member, MAX_KEY) || (Array.isArray(member) && member.length <= 3 && member.every((m) => isText(m, MAX_KEY))), 'bad member');
    const pad = (ms) => String(Math.max(0, ms)).padStart(15, '0');
    let end = to === undefined || to === null ? `${AUDIT}~` : `${AUDIT}${pad(to + 1)}`;
    if (cursor && cursor < end) end = cursor;
    const start = from === undefined || from === null ? AUDIT : `${AUDIT}${pad(from)}`;
    const rows = await this.storage.list({ start, end, reverse: true, limit: AUDIT_SCAN });
    const entries = [];
    let last = null;
    const wanted = member == null ? null : [].concat(member);
    for (const [k, e] of rows) {
      last = k;
      const ofMember = wanted === null || wanted.some((w) => e.member === w || (Array.isArray(e.members) && e.members.includes(w)));
      if (ofMember && (operator == null || (e.operatorId ?? e.operator) === operator)) entries.push(e);
      if (entries.length === limit) break;
    }
    const more = entries.length === limit || rows.size === AUDIT_SCAN;
    return { entries, cursor: more && last !== null ? last : null };
  },
  async 'token.get'(_msg, now) {
    const t = await this.storage.get(TOKEN);
    return t && t.expiresAt > now ? { value: t.value, expiresAt: t.expiresAt } : null;
  },
  async 'token.set'({ value, expiresAt }) {
    need(typeof value === 'string' && value.length <= MAX_VALUE, 'bad value');
    need(Number.isSafeInteger(expiresAt) && expiresAt > 0, 'bad expiresAt');
    await this.storage.put(TOKEN, { value, expiresAt });
    return true;
  },
  async 'token.lock'({ holder, ttlMs }, now) {
    need(isText(holder, 64), 'bad holder');
    need(isMs(ttlMs, 600_000), 'bad ttlMs');
    const l = await this.storage.get(LOCK);
    if (l && l.until > now && l.holder !== holder) return false;
    // Asked again by its holder: renewed.
    await this.storage.put(LOCK, { holder, until: now + Math.min(ttlMs, MAX_LOCK_MS) });
    return true;
  },
  async 'token.unlock'({ holder }) {
    need(isText(holder, 64), 'bad holder');
    const l = await this.storage.get(LOCK);
    if (!l || l.holder !== holder) return false; // expired and taken by another: theirs now
    await this.storage.delete(LOCK);
    return true;
  },
};

function reply(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/** A random id (hex) for lock holders and KV claims. */
function randomId() {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function checkNamespace(namespace, fn) {
  if (!namespace || typeof namespace.idFromName !== 'function' || typeof namespace.get !== 'function') {
    throw new TypeError(`${fn}: the first argument must be a Durable Object namespace binding (env.JIFEN_COORDINATOR)`);
  }
}

/**
 * Calls one object of `namespace` by name. A stub is made per call: in a Worker a stub belongs
 * to the request that made it, and a Client outlives requests.
 */
function caller(namespace, name) {
  let id = null;
  return async (msg) => {
    id ??= namespace.idFromName(name);
    const stub = namespace.get(id);
    const r = await stub.fetch(ORIGIN, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(msg),
    });
    if (!r.ok) {
      await r.body?.cancel();
      throw new Error(`jifen coordinator: ${msg.op} failed (HTTP ${r.status})`);
    }
    return (await r.json()).result;
  };
}

/**
 * An audit trail of points changes in one object of `namespace` (named `name`): `put(id, {
 * create, update })` records the entry of one change (by its idempotency key) or updates it,
 * `list({ from?, to?, member?, operator?, cursor?, limit })` reads them newest first (`operator`
 * matches an entry's `operatorId`, else its `operator`). Entries are never deleted.
 */
export function durableObjectAuditLog(namespace, name = 'audit') {
  checkNamespace(namespace, 'durableObjectAuditLog');
  const call = caller(namespace, name);
  return {
    put: (id, { create, update } = {}) => call({ op: 'audit.put', id, create, update }),
    list: (query) => call({ op: 'audit.list', ...query }),
  };
}

/** FNV-1a, to spread keys over shards. */
function shardOf(key, shards) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

function ttlMsOf(ttlSeconds, fn) {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds * 1000 > MAX_TTL_MS) {
    throw new TypeError(`${fn}: ttlSeconds must be an integer from ${MIN_TTL_SECONDS} to ${MAX_TTL_MS / 1000}`);
  }
  if (ttlSeconds < MIN_TTL_SECONDS) {
    throw new TypeError(`${fn}: ttlSeconds must be at least ${MIN_TTL_SECONDS} (1 day): a key's claim must outlive its change in flight`);
  }
  return ttlSeconds * 1000;
}

/**
 * An idempotency store (`options.idempotencyStore`) in Durable Objects of `namespace`: strongly
 * consistent, with an atomic `putIfAbsent`, so of any number of isolates anywhere that are given
 * the same key at once, exactly one sends the change. Entries live `ttlSeconds` (default 7 days, at
 * least 1 day: MIN_TTL_SECONDS); a key reused after that is a new key.
 *
 * Several clients and vendor accounts can share one store: jifen names each key by its account
 * (on Kingdee the account set, `clientId` with `outerInstanceId` or `appKey`, as one developer
 * app serves many merchants), so two accounts using the same idempotency key stay apart.
 *
 * `options` may be a string (the object's name) or `{ name, shards, ttlSeconds }`. One object
 * serialises every key it holds; `shards` > 1 spreads keys over that many objects by hash when
 * one object's throughput (some hundreds of calls a second) is not enough. Each adjustment costs
 * 2 to 4 calls.
 */
export function durableObjectIdempotencyStore(namespace, options = {}) {
  const fn = 'durableObjectIdempotencyStore';
  checkNamespace(namespace, fn);
  const o = typeof options === 'string' ? { name: options } : options ?? {};
  const name = o.name ?? 'jifen-idempotency';
  const shards = o.shards ?? 1;
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > 1024) throw new TypeError(`${fn}: shards must be an integer from 1 to 1024`);
  const ttlMs = ttlMsOf(o.ttlSeconds ?? DEFAULT_TTL_SECONDS, fn);
  const callers = Array.from({ length: shards }, (_, i) => caller(namespace, shards === 1 ? name : `${name}:${i}`));
  const call = (key, msg) => callers[shardOf(key, shards)]({ ...msg, key });
  return {
    get: (key) => call(key, { op: 'idem.get' }),
    putIfAbsent: (key, value) => call(key, { op: 'idem.putIfAbsent', value, ttlMs }),
    replace: (key, expected, value) => call(key, { op: 'idem.replace', expected, value, ttlMs }),
    delete: (key) => call(key, { op: 'idem.delete' }),
  };
}

/**
 * A token cache (`options.tokenCache`) in one Durable Object of `namespace`: the token (with the
 * token endpoint's budget and any rate limit, which jifen keeps in the value: every client sharing
 * the object stays within 2 token calls a minute, and a 429 is answered locally until its
 * Retry-After passes), and a lock of at most 10 s, renewed by its holder, that lets one client in
 * the fleet refresh while the others wait for its token; a holder that died stalls them 10 s at most. Name the object per account set (`kingdee:<clientId>:<outerInstanceId or appKey>`: one
 * app's clientId serves many merchants): two account sets must not
 * share a token. The default name suits a namespace used by one account only.
 */
export function durableObjectTokenCache(namespace, name = 'jifen-token') {
  checkNamespace(namespace, 'durableObjectTokenCache');
  if (!isText(name, 256)) throw new TypeError('durableObjectTokenCache: name must be a non-empty string');
  const call = caller(namespace, name);
  const holder = randomId(); // this cache object's lock identity: only the holder can unlock
  return {
    get: () => call({ op: 'token.get' }),
    set: (value, expiresAt) => call({ op: 'token.set', value, expiresAt: Math.floor(expiresAt) }),
    lock: (ttlMs) => call({ op: 'token.lock', holder, ttlMs: Math.max(1, Math.min(600_000, Math.floor(ttlMs))) }),
    unlock: () => call({ op: 'token.unlock', holder }).then(() => undefined),
  };
}

/**
 * An idempotency store (`options.idempotencyStore`) in Workers KV. BEST-EFFORT ONLY.
 *
 * KV has no atomic put-if-absent and is eventually consistent: a write can take 60 seconds or
 * more to be seen in other locations. This store reads, writes, then reads back (a later writer
 * in the same location wins the read-back), which narrows the race but cannot close it: two
 * isolates given the same key at nearly the same time, especially in different locations, can
 * both believe they hold it and both send the change. Nor does it need two at once: a retry that
 * reaches another location within about a minute of the first attempt (KV caches a read there,
 * an absent key included, for 60 s) may see neither the claim nor the recorded outcome, and sends
 * the change again.
 *
 * What that means per vendor: Freemud and Qimai deduplicate on the key jifen sends them
 * (idempotencyBussinessId / bizId), so with KV a duplicate costs one extra vendor call and no
 * extra points. Kingdee has NO vendor idempotency key: the store is the only guard, and its
 * settlement needs an atomic compare-and-set (`replace`), which KV cannot give: this store has
 * none, so a Kingdee client given it refuses adjustPoints with `config`. For Kingdee use
 * durableObjectIdempotencyStore.
 *
 * `ttlSeconds` (default 7 days, at least 1 day: MIN_TTL_SECONDS) is how long entries live.
 */
export function kvIdempotencyStore(kv, { ttlSeconds = DEFAULT_TTL_SECONDS, prefix = '' } = {}) {
  const fn = 'kvIdempotencyStore';
  if (!kv || typeof kv.get !== 'function' || typeof kv.put !== 'function') {
    throw new TypeError(`${fn}: the first argument must be a KV namespace binding`);
  }
  ttlMsOf(ttlSeconds, fn);
  if (typeof prefix !== 'string') throw new TypeError(`${fn}: prefix must be a string`);
  const unwrap = (raw) => {
    try {
      const o = JSON.parse(raw);
      if (o && typeof o.v === 'string') return o;
    } catch {
      // not ours
    }
    return { n: null, v: raw };
  };
  return {
    /** Best-effort: see kvIdempotencyStore. */
    bestEffort: true,
    async get(key) {
      const raw = await kv.get(prefix + key);
      return raw === null ? null : unwrap(raw).v;
    },
    async putIfAbsent(key, value) {
      const k = prefix + key;
      if ((await kv.get(k)) !== null) return false;
      const n = randomId();
      await kv.put(k, JSON.stringify({ n, v: value }), { expirationTtl: ttlSeconds });
      const back = await kv.get(k);
      return back !== null && unwrap(back).n === n;
    },
    async delete(key) {
      await kv.delete(prefix + key);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A coordinator in another Worker or another workerd process.
//
// A self-hosted fleet of separate workerd processes cannot bind one Durable Object namespace (a
// namespace lives in one process). One process, the coordinator, hosts JifenCoordinator with its
// storage on disk and serves `serveCoordinator`; each gateway process reaches it through a service
// binding (under workerd an `external` service over loopback HTTP; on Cloudflare a service binding
// to the Worker that hosts the objects) wrapped by `coordinatorServiceNamespace`, which looks like a
// namespace to durableObjectIdempotencyStore and durableObjectTokenCache. Every call is one HTTP
// round trip to the one object of that name, so putIfAbsent stays atomic across processes.
//
//   // the coordinator Worker
//   export { JifenCoordinator };
//   export default { fetch: (req, env) => serveCoordinator(req, env.JIFEN_COORDINATOR, { token: env.JIFEN_COORDINATOR_TOKEN }) };
//   // each gateway
//   const ns = coordinatorServiceNamespace(env.JIFEN_COORDINATOR_SERVICE, { token: env.JIFEN_COORDINATOR_TOKEN });
//   new Client(config, { idempotencyStore: durableObjectIdempotencyStore(ns), tokenCache: durableObjectTokenCache(ns, name) });
//
// The objects hold a vendor token and idempotency keys: the coordinator answers only requests that
// carry its bearer token (at least 16 characters; without one configured it answers nothing).

const OBJECT_PATH = '/objects/';
const MIN_COORDINATOR_TOKEN = 16;

async function digest(text) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares two strings through their SHA-256 digests, without an early exit. */
async function sameSecret(a, b) {
  const [x, y] = await Promise.all([digest(a), digest(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * The coordinator Worker's fetch: `POST /objects/<name>` with `Authorization: Bearer <token>` and
 * the object's JSON protocol as the body, passed to the object `name` of `namespace`; its answer is
 * returned as is. 401 without the token, 404 for another path, 500 when no token is configured.
 */
export async function serveCoordinator(request, namespace, { token } = {}) {
  checkNamespace(namespace, 'serveCoordinator');
  if (typeof token !== 'string' || token.length < MIN_COORDINATOR_TOKEN) {
    return reply(500, { error: `the coordinator has no token of at least ${MIN_COORDINATOR_TOKEN} characters` });
  }
  const presented = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  if (!(await sameSecret(presented, token))) return reply(401, { error: 'unauthorized' });
  const path = new URL(request.url).pathname;
  if (!path.startsWith(OBJECT_PATH)) return reply(404, { error: 'not found' });
  let name;
  try {
    name = decodeURIComponent(path.slice(OBJECT_PATH.length));
  } catch {
    return reply(400, { error: 'bad name' });
  }
  if (!isText(name, 256)) return reply(400, { error: 'bad name' });
  if (request.method !== 'POST') return reply(405, { error: 'POST only' });
  const stub = namespace.get(namespace.idFromName(name));
  return stub.fetch(ORIGIN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await request.text() });
}

/**
 * A Durable Object namespace look-alike over a service binding to a Worker that runs
 * `serveCoordinator` (`service` has `fetch`): give it to durableObjectIdempotencyStore and
 * durableObjectTokenCache. `token` is the coordinator's bearer token.
 */
export function coordinatorServiceNamespace(service, { token } = {}) {
  if (!service || typeof service.fetch !== 'function') {
    throw new TypeError('coordinatorServiceNamespace: the first argument must be a service binding (env.JIFEN_COORDINATOR_SERVICE)');
  }
  if (typeof token !== 'string' || token.length < MIN_COORDINATOR_TOKEN) {
    throw new TypeError(`coordinatorServiceNamespace: token must be the coordinator's token (at least ${MIN_COORDINATOR_TOKEN} characters)`);
  }
  return {
    idFromName: (name) => ({ name }),
    get: ({ name }) => ({
      fetch: (_url, init = {}) => service.fetch(`http://jifen-coordinator${OBJECT_PATH}${encodeURIComponent(name)}`, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${token}` },
      }),
    }),
  };
}
