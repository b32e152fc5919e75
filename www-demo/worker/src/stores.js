// The stores the gateway's Client shares with the rest of the fleet, chosen by
// which bindings exist:
//
// - JIFEN_COORDINATOR (a Durable Object namespace of jifen's JifenCoordinator):
//   idempotency keys (atomic putIfAbsent: deduplicates across isolates) and,
//   for Kingdee, the app-token with a fleet-wide refresh lock;
// - else JIFEN_KV (a KV namespace): idempotency keys, best-effort (KV is
//   eventually consistent and has no atomic putIfAbsent); the token stays per
//   isolate;
// - else nothing: the Client's own memory (one isolate deduplicates itself only).

import { durableObjectIdempotencyStore, durableObjectTokenCache, kvIdempotencyStore } from '../../../pkg/cloudflare.js';

/** The Durable Object namespace binding. */
export const COORDINATOR_BINDING = 'JIFEN_COORDINATOR';
/** The KV namespace binding (used only without the coordinator). */
export const KV_BINDING = 'JIFEN_KV';

const isNamespace = (b) => b && typeof b === 'object' && typeof b.idFromName === 'function' && typeof b.get === 'function';
const isKv = (b) => b && typeof b === 'object' && typeof b.get === 'function' && typeof b.put === 'function' && typeof b.delete === 'function';

/**
 * `{ kind, options }`: `kind` is "durable_object", "kv" or "memory"; `options`
 * go into `new Client(config, options)`. `config` is the jifen vendor config
 * (its non-secret account ids name the token's object).
 */
export function sharedStores(env, config) {
  const ns = env[COORDINATOR_BINDING];
  if (isNamespace(ns)) {
    const options = { idempotencyStore: durableObjectIdempotencyStore(ns) };
    if (config.vendor === 'kingdee') {
      // One object per account set: two account sets must never share a token (an ISV app's
      // clientId serves many merchants, each its own outerInstanceId / appKey).
      const account = [config.clientId, config.outerInstanceId ?? config.appKey].filter((x) => x).join(':') || 'default';
      options.tokenCache = durableObjectTokenCache(ns, `kingdee-token:${account}`);
    }
    return { kind: 'durable_object', options };
  }
  const kv = env[KV_BINDING];
  if (isKv(kv)) {
    if (config.vendor === 'kingdee') {
      console.warn(`gateway: ${KV_BINDING} is a best-effort idempotency store and Kingdee has no vendor idempotency key: bind ${COORDINATOR_BINDING} to deduplicate across isolates`);
    }
    return { kind: 'kv', options: { idempotencyStore: kvIdempotencyStore(kv) } };
  }
  if (config.vendor === 'kingdee') {
    console.warn(`gateway: no ${COORDINATOR_BINDING} binding: idempotency keys live in this isolate's memory only, and Kingdee has no vendor idempotency key, so a retry that reaches another isolate can apply a change twice`);
  }
  return { kind: 'memory', options: {} };
}
