// A Cloudflare Worker in front of Kingdee 精斗云: GET /balance?id=…&card=… and POST /adjust, behind a
// bearer token. Every isolate of the Worker shares, through jifen's Durable Object (JifenCoordinator):
//  - the idempotency keys of points changes (a retried POST /adjust with the same key applies once,
//    whichever isolate it reaches), and
//  - the Kingdee app-token, refreshed by one isolate at a time (the token endpoint allows 2 calls a
//    minute per account set).
// wrangler.toml binds the namespace as JIFEN_COORDINATOR and declares its migration.
// Locally against the simulator (see ../README.md): npx jifen sim -- node run-dev.mjs
import { Client, JifenError } from 'jifen';
import { durableObjectIdempotencyStore, durableObjectTokenCache } from 'jifen/cloudflare';

// The Durable Object class must be exported by the Worker that declares it.
export { JifenCoordinator } from 'jifen/cloudflare';

let cached; // one Client per isolate: its in-memory state lives as long as the isolate

function clientFor(env) {
  if (cached) return cached;
  const config = {
    vendor: 'kingdee',
    clientId: env.JIFEN_KINGDEE_CLIENT_ID,
    clientSecret: env.JIFEN_KINGDEE_CLIENT_SECRET,
    appKey: env.JIFEN_KINGDEE_APP_KEY,
    appSecret: env.JIFEN_KINGDEE_APP_SECRET,
    outerInstanceId: env.JIFEN_KINGDEE_OUTER_INSTANCE_ID,
    domain: env.JIFEN_KINGDEE_DOMAIN,
    ...(env.JIFEN_KINGDEE_BASE_URL ? { baseUrl: env.JIFEN_KINGDEE_BASE_URL } : {}),
  };
  cached = new Client(config, {
    idempotencyStore: durableObjectIdempotencyStore(env.JIFEN_COORDINATOR),
    // One object per account set: two account sets must never share a token.
    tokenCache: durableObjectTokenCache(env.JIFEN_COORDINATOR, `kingdee:${config.clientId}:${config.outerInstanceId ?? config.appKey}`),
  });
  return cached;
}

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Constant-time comparison of the bearer token with env.API_TOKEN (a secret: `wrangler secret put API_TOKEN`). */
async function authorised(request, env) {
  const given = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
  if (!env.API_TOKEN || !given) return false;
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([given, env.API_TOKEN].map((s) => crypto.subtle.digest('SHA-256', enc.encode(s))));
  return crypto.subtle.timingSafeEqual ? crypto.subtle.timingSafeEqual(a, b) : new Uint8Array(a).every((x, i) => x === new Uint8Array(b)[i]);
}

export default {
  async fetch(request, env) {
    if (!(await authorised(request, env))) return json(401, { error: 'unauthorised' });
    const url = new URL(request.url);
    try {
      if (request.method === 'GET' && url.pathname === '/balance') {
        const member = { id: url.searchParams.get('id') ?? undefined, cardId: url.searchParams.get('card') ?? undefined };
        const { available, total } = await clientFor(env).getBalance({ member });
        return json(200, { available, total });
      }
      if (request.method === 'POST' && url.pathname === '/adjust') {
        let body;
        try {
          body = await request.json();
        } catch {
          return json(400, { error: 'invalid_input', message: 'the body is not JSON: { member, delta, reason, idempotencyKey }' });
        }
        const { member, delta, reason, idempotencyKey } = body ?? {};
        const { applied, balance } = await clientFor(env).adjustPoints({ member, delta, reason, idempotencyKey });
        return json(200, { applied, balance });
      }
      return json(404, { error: 'GET /balance?id=…&card=… or POST /adjust' });
    } catch (e) {
      if (!(e instanceof JifenError)) throw e;
      // JifenError messages carry no secret; `retryable` tells the caller whether to retry with the same key.
      return json(e.code === 'invalid_input' ? 400 : 502, { error: e.code, message: e.message, retryable: e.retryable });
    }
  },
};
