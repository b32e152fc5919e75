// The stores the gateway's Client shares with the rest of the fleet, chosen by
// which bindings exist:
//
// - JIFEN_COORDINATOR (a Durable Object namespace of jifen's JifenCoordinator):
//   idempotency keys (atomic putIfAbsent: deduplicates across isolates) and,
//   for Kingdee, the app-token with a fleet-wide refresh lock;
// - else JIFEN_COORDINATOR_SERVICE (a service binding to a coordinator process
//   or Worker that runs jifen's serveCoordinator) with JIFEN_COORDINATOR_TOKEN:
//   the same objects, shared by separate workerd processes;
// - else JIFEN_KV (a KV namespace): idempotency keys, best-effort (KV is
//   eventually consistent and has no atomic putIfAbsent); the token stays per
//   isolate;
// - else nothing: the Client's own memory (one isolate deduplicates itself only).
//
// Kingdee has no idempotency field of its own, so the store is the only thing
// between a retry and a double: without a shared, durable one the gateway
// refuses Kingdee adjustments (kingdeeAdjustRefusal) unless told otherwise.

import {
  coordinatorServiceNamespace, durableObjectIdempotencyStore, durableObjectTokenCache, kvIdempotencyStore,
} from '../../../pkg/cloudflare.js';

/** The Durable Object namespace binding. */
export const COORDINATOR_BINDING = 'JIFEN_COORDINATOR';
/** The service binding to a coordinator in another process (with COORDINATOR_TOKEN_BINDING). */
export const COORDINATOR_SERVICE_BINDING = 'JIFEN_COORDINATOR_SERVICE';
/** The coordinator process's bearer token (a secret). */
export const COORDINATOR_TOKEN_BINDING = 'JIFEN_COORDINATOR_TOKEN';
/**
 * "memory" when the JIFEN_COORDINATOR namespace keeps its storage in memory
 * (gateway.mjs sets it; a Worker cannot see it otherwise): shared, not durable.
 */
export const COORDINATOR_STORAGE_BINDING = 'JIFEN_COORDINATOR_STORAGE';
/** The KV namespace binding (used only without the coordinator). */
export const KV_BINDING = 'JIFEN_KV';
/** "1" lets Kingdee adjustments through without a shared, durable store: local development only. */
export const ALLOW_UNSHARED_BINDING = 'ALLOW_UNSHARED_KINGDEE_STORE';

const isNamespace = (b) => b && typeof b === 'object' && typeof b.idFromName === 'function' && typeof b.get === 'function';
const isService = (b) => b && typeof b === 'object' && typeof b.fetch === 'function';
const isKv = (b) => b && typeof b === 'object' && typeof b.get === 'function' && typeof b.put === 'function' && typeof b.delete === 'function';

/**
 * Which store the bindings give: "durable_object", "coordinator_service", "kv"
 * or "memory", and whether it is shared by every isolate and process of the
 * gateway, atomic, and survives a restart (`durable`).
 */
export function storeKind(env) {
  if (isNamespace(env[COORDINATOR_BINDING])) {
    return { kind: 'durable_object', durable: env[COORDINATOR_STORAGE_BINDING] !== 'memory' };
  }
  if (isService(env[COORDINATOR_SERVICE_BINDING])) return { kind: 'coordinator_service', durable: true };
  if (isKv(env[KV_BINDING])) return { kind: 'kv', durable: false };
  return { kind: 'memory', durable: false };
}

/**
 * Why a Kingdee adjustment must be refused with these bindings (a `config`
 * error message naming the binding to add), or null. Other vendors take the
 * idempotency key themselves and are never refused; reads are never refused.
 */
export function kingdeeAdjustRefusal(env, vendor) {
  if (vendor !== 'kingdee') return null;
  if (env[ALLOW_UNSHARED_BINDING] === '1') return null;
  const { kind, durable } = storeKind(env);
  if (durable) return null;
  const now = {
    durable_object: `${COORDINATOR_BINDING} keeps its storage in memory (lost on restart)`,
    kv: `${KV_BINDING} alone is not atomic (two isolates can both claim a key)`,
    memory: 'there is no shared idempotency store (each isolate remembers only its own keys)',
  }[kind];
  return `Kingdee has no idempotency key of its own, and ${now}: a retry could apply a change twice. `
    + `Bind ${COORDINATOR_BINDING} (a Durable Object namespace of JifenCoordinator, storage on disk) or `
    + `${COORDINATOR_SERVICE_BINDING} with ${COORDINATOR_TOKEN_BINDING} (a coordinator process); `
    + `for local development only, ${ALLOW_UNSHARED_BINDING}=1 allows it`;
}

/**
 * `{ kind, options }`: `kind` as storeKind; `options` go into
 * `new Client(config, options)`. `config` is the jifen vendor config (its
 * non-secret account ids name the token's object).
 */
export function sharedStores(env, config) {
  const { kind } = storeKind(env);
  if (kind === 'durable_object' || kind === 'coordinator_service') {
    const ns = kind === 'durable_object'
      ? env[COORDINATOR_BINDING]
      : coordinatorServiceNamespace(env[COORDINATOR_SERVICE_BINDING], { token: env[COORDINATOR_TOKEN_BINDING] });
    const options = { idempotencyStore: durableObjectIdempotencyStore(ns) };
    if (config.vendor === 'kingdee') {
      // One object per account set: two account sets must never share a token (an ISV app's
      // clientId serves many merchants, each its own outerInstanceId / appKey).
      const account = [config.clientId, config.outerInstanceId ?? config.appKey].filter((x) => x).join(':') || 'default';
      options.tokenCache = durableObjectTokenCache(ns, `kingdee-token:${account}`);
    }
    return { kind, options };
  }
  if (kind === 'kv') {
    if (config.vendor === 'kingdee') {
      console.warn(`gateway: ${KV_BINDING} is a best-effort idempotency store and Kingdee has no vendor idempotency key: bind ${COORDINATOR_BINDING} to deduplicate across isolates`);
    }
    return { kind, options: { idempotencyStore: kvIdempotencyStore(env[KV_BINDING]) } };
  }
  if (config.vendor === 'kingdee') {
    console.warn(`gateway: no ${COORDINATOR_BINDING} binding: idempotency keys live in this isolate's memory only, and Kingdee has no vendor idempotency key, so a retry that reaches another isolate can apply a change twice`);
  }
  return { kind, options: {} };
}
