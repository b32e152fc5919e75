// The jifen edge gateway: a Worker that holds one vendor's credentials in its
// env bindings and exposes a small JSON API to the admin page. See README.md.
//
// Order of checks on every request: configuration → Origin (only ADMIN_ORIGIN
// may call cross-origin) → preflight → the Freemud callback (signed by the
// vendor, no admin token) → staff token and role → route (Hono) → input
// validation (valibot schemas, input.js) → vendor.
// Nothing reaches the vendor before all of these pass.

import { Hono } from 'hono';
import { jifen } from './jifen.js';
import { gatewaySettings, vendorConfig, secretValues } from './config.js';
import { GatewayError, errorBody, json, readBody, readJsonObject, redact, invalid } from './http.js';
import { authenticate, cachedStaffSettings, permissionFor, requirePermission, requireWithinLimit, staffSecretValues } from './staff.js';
import { auditLog, auditedAdjust, memberKeys, publicEntry, remarkWithOperator, timeParam, toCsv, PAGE, CSV_MAX } from './audit.js';
import * as input from './input.js';
import { kingdeeAdjustRefusal, sharedStores } from './stores.js';

// The Durable Object class behind JIFEN_COORDINATOR (see stores.js): exported
// so that a namespace of it can be configured on this Worker.
export { JifenCoordinator } from '../../../pkg/cloudflare.js';

/** Headers whose values are credentials (as jifen's `is_secret_header`). */
const SECRET_HEADERS = ['app-token', 'access_token', 'authorization', 'x-api-signature'];

let cached = null; // { key, client, stores }: one Client per isolate and config, so its token cache lives on

function clientFor(env, settings) {
  const config = vendorConfig(env, settings.vendor, settings.upstream);
  const key = JSON.stringify([config, settings.timeoutMs, settings.retries]);
  if (cached?.key === key) return cached.client;
  const stores = sharedStores(env, config);
  const options = { ...stores.options };
  if (settings.timeoutMs !== undefined) options.timeoutMs = settings.timeoutMs;
  if (settings.retries !== undefined) options.retries = settings.retries;
  const client = new jifen.Client(config, options);
  cached = { key, client, stores: stores.kind };
  return client;
}

let capsCached = null; // { flavor, caps, rules }: the vendor's capabilities, read once per isolate

/**
 * This gateway's vendor's `capabilities()` (Qimai: of the API version configured) and the input
 * rules built from them (input.adjustRules): the one source of its reasons and fields.
 */
function capsFor(ctx) {
  const { vendor } = ctx.settings;
  const flavor = vendor === 'qimai' && ctx.env.QIMAI_VERSION === 'v2' ? 'qimai-v2' : vendor;
  if (capsCached?.flavor === flavor) return capsCached;
  if (typeof jifen.capabilities !== 'function') throw new GatewayError('unsupported', 'this build of jifen has no capabilities');
  const caps = jifen.capabilities(flavor);
  capsCached = { flavor, caps, rules: input.adjustRules(caps) };
  return capsCached;
}

function method(client, name) {
  if (typeof client[name] !== 'function') {
    throw new GatewayError('unsupported', `this build of jifen has no ${name}`);
  }
  return client[name].bind(client);
}

/**
 * Body fields that authorise a request by themselves: Qimai's `token`/`Token` signs only
 * openId, grantCode, nonce and timestamp (not the action, not the params), and Freemud's
 * `sign` is all an account without an access_token needs. Shown, they would let the admin
 * call the vendor directly, around this gateway. Only the envelope's own keys match: a key
 * inside a JSON string (Freemud's requestBody) has its quotes escaped.
 */
const SECRET_BODY_FIELDS = /"(sign|token|Token)":"[^"\\]*"/g;

/** A signed request as the admin page may see it: credential headers and self-sufficient signatures masked. */
function maskRequest(req) {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    headers[k] = SECRET_HEADERS.includes(k.toLowerCase()) ? '***' : v;
  }
  const body = typeof req.body === 'string' ? req.body.replace(SECRET_BODY_FIELDS, '"$1":"***"') : req.body ?? null;
  return { method: req.method, url: req.url, headers, body, stringToSign: req.stringToSign ?? '' };
}

const ok = (value, ctx) => json(200, value, ctx.secrets, ctx.cors);

/**
 * The router. Routes match `URL.pathname` as the URL parser leaves it (percent-escapes kept,
 * dot segments resolved): the path the gate checks (the callback exemption, permissionFor) is
 * the path routed, so an encoded path (`/api/%61djust`, `…%2f..%2f…`) matches no route rather
 * than a different one than was checked (Hono's default decodes it first). Handlers get the
 * gateway's per-request context as `c.env`; errors go to `fetch` below (onError rethrows).
 */
const app = new Hono({ getPath: (request) => new URL(request.url).pathname });

app.onError((e) => { throw e; });

/** The verbs served at `path` (for 405's Allow), from the router itself. */
function methodsAt(path) {
  return ['GET', 'POST'].filter((verb) => app.router.match(verb, path)[0].some(([[, route]]) => route.method === verb));
}

/** No route for this method: 405 naming the verbs the path has, or 404. */
function notFound(c) {
  const allowed = methodsAt(c.env.url.pathname);
  if (allowed.length) {
    throw new GatewayError('method_not_allowed', `use ${allowed.join(' or ')}`, { headers: { allow: allowed.join(', ') } });
  }
  throw new GatewayError('not_found', 'no such route');
}

app.notFound(notFound);

// Every request passes the gate first (the order at the top of this file).
app.use('*', async (c, next) => {
  const ctx = c.env;
  const { request, url, settings } = ctx;
  if (settings.error) throw new GatewayError('config', settings.error);
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (!settings.adminOrigin || origin !== settings.adminOrigin) {
      throw new GatewayError('forbidden', 'cross-origin calls are allowed only from the admin origin');
    }
    Object.assign(ctx.cors, {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-expose-headers': 'Retry-After, WWW-Authenticate',
    });
  }
  if (request.method === 'OPTIONS') return preflight(ctx);
  if (url.pathname === '/api/callbacks/freemud') {
    // Signed by the vendor, not by staff: the one route without a staff token.
    if (request.method !== 'POST') throw new GatewayError('method_not_allowed', 'POST only', { headers: { allow: 'POST' } });
    return next();
  }
  if (!url.pathname.startsWith('/api/')) throw new GatewayError('not_found', 'no such route');
  if (ctx.staff.error) throw new GatewayError('config', ctx.staff.error);
  ctx.who = await authenticate(request, ctx.staff);
  const [permission, doing] = permissionFor(request.method, url.pathname);
  requirePermission(ctx.who, permission, doing);
  // Hono serves HEAD through the GET route; the gateway serves GET and POST only.
  if (request.method === 'HEAD') return notFound(c);
  return next();
});

app.post('/api/callbacks/freemud', (c) => freemudCallback(c.env));

app.get('/api/capabilities', async (c) => {
  const ctx = c.env;
  input.queryParams(ctx.url, []);
  return ok({ vendor: ctx.settings.vendor, ...capsFor(ctx).caps }, ctx);
});

app.get('/api/members/:member', async (c) => {
  const ctx = c.env;
  input.queryParams(ctx.url, []);
  // The reference as sent (Hono's param would be decoded leniently): decoded strictly here.
  const raw = ctx.url.pathname.slice('/api/members/'.length);
  let ref;
  try {
    ref = decodeURIComponent(raw);
  } catch {
    throw invalid('the member reference is not valid percent-encoding');
  }
  const args = input.memberArgs({ member: ref });
  return ok(await method(ctx.client(), 'getMember')(args), ctx);
});

app.get('/api/balance', async (c) => {
  const ctx = c.env;
  const args = input.memberArgs(input.queryParams(ctx.url, ['member']));
  return ok(await method(ctx.client(), 'getBalance')(args), ctx);
});

app.get('/api/ledger', async (c) => {
  const ctx = c.env;
  const args = input.ledgerArgs(input.queryParams(ctx.url, ['member', 'cursor', 'from', 'to', 'pageSize']));
  const page = await method(ctx.client(), 'ledgerPage')(args);
  return ok({ entries: page.entries, cursor: page.cursor ?? null }, ctx);
});

app.post('/api/adjust', async (c) => {
  const ctx = c.env;
  input.queryParams(ctx.url, []);
  // Kingdee: without a shared, durable idempotency store a retry can double the change.
  const refusal = kingdeeAdjustRefusal(ctx.env, ctx.settings.vendor);
  if (refusal) throw new GatewayError('config', refusal);
  const key = ctx.request.headers.get('idempotency-key');
  const body = await readJsonObject(ctx.request, ctx.settings.maxBodyBytes);
  const { caps, rules } = capsFor(ctx);
  const args = input.adjustArgs(body, key, rules);
  requireWithinLimit(ctx.who, args.delta);
  const adjust = method(ctx.client(), 'adjustPoints');
  ctx.note = `store=${cached?.stores}`;
  // The operator's name goes into the vendor's remark where it has one; the trail keeps the
  // remark as typed.
  const remark = args.remark;
  const accepts = caps.operations.adjustPoints.accepts ?? [];
  // Where the vendor has no remark field (Kingdee), the remark lives in the trail only.
  if (accepts.includes('remark')) args.remark = remarkWithOperator(ctx.who.name, remark);
  else delete args.remark;
  // Once started, a change runs to its end even if the caller hangs up: Cloudflare cancels a
  // request's work when its client disconnects, except what is passed to waitUntil (30 s more).
  // Cut short, the change could be applied at the vendor with its outcome never recorded, and
  // every retry with this key would get 409 until the key expires. auditedAdjust passes the
  // change and its audit record to waitUntil.
  const log = auditLog(ctx.env, ctx.settings.vendor);
  return ok(await auditedAdjust({ log, who: ctx.who, args, remark, waitUntil: ctx.waitUntil }, adjust), ctx);
});

app.get('/api/me', async (c) => {
  const ctx = c.env;
  input.queryParams(ctx.url, []);
  const { name, role, limit } = ctx.who;
  const { confirmAbove, store, maxChange } = ctx.staff;
  return ok({ name, role, limit, maxChange, confirmAbove, store: store || null, vendor: ctx.settings.vendor }, ctx);
});

app.get('/api/audit', async (c) => {
  const ctx = c.env;
  const q = input.queryParams(ctx.url, ['member', 'from', 'to', 'cursor', 'format']);
  if (ctx.who.role === 'viewer') requirePermission(ctx.who, 'audit:own', 'read the audit trail');
  const csv = input.auditFormat(q.format) === 'csv';
  if (csv) requirePermission(ctx.who, 'audit:all', 'export the audit trail');
  const from = timeParam(q.from, 'start', 'from');
  const to = timeParam(q.to, 'end', 'to');
  if (from !== null && to !== null && from > to) throw invalid('from is after to');
  input.auditCursor(q.cursor);
  const query = {
    from, to,
    // Any of the keys given (id, mobile, card) finds an entry filed under any of the member's keys.
    member: q.member !== undefined ? memberKeys(input.parseMemberRef(q.member)) : null,
    // An operator reads their own changes only; an admin everyone's.
    operator: ctx.who.role === 'admin' ? null : ctx.who.id,
  };
  const log = auditLog(ctx.env, ctx.settings.vendor);
  if (csv) {
    const all = [];
    let cursor = null;
    do {
      const page = await log.list({ ...query, cursor, limit: 500 });
      all.push(...page.entries.map(publicEntry));
      cursor = page.cursor;
    } while (cursor && all.length < CSV_MAX);
    const day = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    return new Response(toCsv(all.slice(0, CSV_MAX)), {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="jifen-audit-${ctx.settings.vendor}-${day}.csv"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...ctx.cors,
      },
    });
  }
  const page = await log.list({ ...query, cursor: q.cursor ?? null, limit: PAGE });
  return ok({ entries: page.entries.map(publicEntry), cursor: page.cursor, durable: log.durable }, ctx);
});

app.post('/api/preview', async (c) => {
  const ctx = c.env;
  input.queryParams(ctx.url, []);
  const p = input.previewArgs(await readJsonObject(ctx.request, ctx.settings.maxBodyBytes), capsFor(ctx).rules);
  const req = p.unified
    ? await method(ctx.client(), 'preview')(p.method, p.args)
    : await jifen.buildRequest(vendorConfig(ctx.env, ctx.settings.vendor, ctx.settings.upstream), p.operation, p.params);
  return ok(maskRequest(req), ctx);
});

async function freemudCallback(ctx) {
  const { settings, env, request } = ctx;
  if (settings.vendor !== 'freemud') {
    throw new GatewayError('not_found', `this gateway fronts ${settings.vendor}; it takes no Freemud callbacks`);
  }
  input.queryParams(ctx.url, []);
  const body = await readBody(request, settings.maxBodyBytes);
  // Pushes are always verified here, whatever FREEMUD_VERIFY says for replies.
  const config = { ...vendorConfig(env, 'freemud', settings.upstream), verify: 'enforce' };
  if (!config.platformPublicKey) {
    throw new GatewayError('config', 'FREEMUD_PLATFORM_PUBLIC_KEY is needed to verify callbacks');
  }
  const result = await jifen.verifyCallback(config, { headers: request.headers, body });
  ctx.note = `event=${String(result.event?.type).slice(0, 40)} verified=${result.verified}`;
  return new Response(redact(result.ackBody, ctx.secrets), {
    status: 200,
    headers: { 'content-type': 'application/json;charset=utf-8', 'cache-control': 'no-store' },
  });
}

function preflight(ctx) {
  const headers = { ...ctx.cors, allow: 'GET, POST, OPTIONS' };
  if (ctx.cors['access-control-allow-origin']) {
    const asked = (ctx.request.headers.get('access-control-request-method') ?? '').toUpperCase();
    if (asked && !['GET', 'POST'].includes(asked)) {
      throw new GatewayError('method_not_allowed', 'only GET and POST are served', { headers: { allow: 'GET, POST, OPTIONS' } });
    }
    Object.assign(headers, {
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key',
      'access-control-max-age': '600',
    });
  }
  return new Response(null, { status: 204, headers });
}

/** The logged path: member references (personal data) left out. */
const logPath = (p) => p.replace(/^\/api\/members\/.*/, '/api/members/:member');

export default {
  async fetch(request, env, execution) {
    const started = Date.now();
    const settings = gatewaySettings(env);
    const staff = cachedStaffSettings(env);
    const ctx = {
      staff, who: null,
      request, env, settings, cors: {}, note: '',
      waitUntil: typeof execution?.waitUntil === 'function' ? (p) => execution.waitUntil(p) : null,
      url: new URL(request.url),
      secrets: [...secretValues(env), ...staffSecretValues(staff, request)],
      client: () => clientFor(env, settings),
    };
    let response;
    let code = '';
    try {
      response = await app.fetch(request, ctx, execution);
    } catch (e) {
      const { status, body, headers } = errorBody(e);
      code = body.error.code;
      if (code === 'internal') console.error(redact(`gateway: internal error: ${e?.stack ?? e}`, ctx.secrets));
      response = json(status, body, ctx.secrets, { ...headers, ...ctx.cors });
    }
    console.log(redact(
      `${request.method} ${logPath(ctx.url.pathname)} -> ${response.status}${code ? ` ${code}` : ''}${ctx.note ? ` ${ctx.note}` : ''} (${Date.now() - started}ms)`,
      ctx.secrets,
    ));
    return response;
  },
};
