// Types for `jifen/cloudflare` (cloudflare.js): shared stores for a fleet of Worker isolates.
// Structural types only, so no dependency on @cloudflare/workers-types.

import type { IdempotencyStore, TokenCache } from "./index.js";

/** The store shapes `new Client(config, { idempotencyStore, tokenCache })` takes (index.d.ts). */
export type { IdempotencyStore, TokenCache };

/** The parts of a Durable Object namespace binding these adapters use. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
}

/** The parts of a KV namespace binding the KV adapter uses. */
export interface KVNamespaceLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Default lifetime of an idempotency entry, seconds (7 days). */
export declare const DEFAULT_TTL_SECONDS: number;
/** The shortest ttlSeconds an idempotency store accepts (1 day): a key's claim must outlive its change in flight. */
export declare const MIN_TTL_SECONDS: number;

/**
 * The Durable Object class: export it from the Worker and bind a namespace of it
 * (wrangler: `[[durable_objects.bindings]] name = "JIFEN_COORDINATOR", class_name = "JifenCoordinator"`,
 * plus a migration `new_sqlite_classes = ["JifenCoordinator"]` or `new_classes`).
 */
export declare class JifenCoordinator {
  constructor(state: { storage: any }, env: unknown);
  fetch(request: Request): Promise<Response>;
  alarm(): Promise<void>;
}

export interface DurableObjectIdempotencyOptions {
  /** The object's name (default "jifen-idempotency"). */
  name?: string;
  /** Spread keys over this many objects by hash (default 1). */
  shards?: number;
  /** How long an entry lives, seconds (default 7 days; at least 1 day, MIN_TTL_SECONDS: a claim must outlive its change in flight). */
  ttlSeconds?: number;
}

/** Strongly consistent idempotency store with an atomic putIfAbsent and replace: the one that really deduplicates (and the one Kingdee needs). */
export declare function durableObjectIdempotencyStore(
  namespace: DurableObjectNamespaceLike,
  options?: string | DurableObjectIdempotencyOptions,
): Required<IdempotencyStore>;

/** Token cache with a fleet-wide refresh lock; name it per account set (`kingdee:<appKey>` or `kingdee:<outerInstanceId>`; not per clientId, which several account sets share). */
export declare function durableObjectTokenCache(namespace: DurableObjectNamespaceLike, name?: string): Required<TokenCache>;

/** One points change as an audit trail keeps it (the gateway's fields; any JSON fields are kept). */
export interface AuditEntry {
  id: string;
  /** When it was first recorded, ms since the epoch (the object's clock). */
  at: number;
  member?: string;
  operator?: string;
  [field: string]: unknown;
}

/** An append-only audit trail of points changes, newest first; entries are updated by id, never deleted. */
export declare function durableObjectAuditLog(namespace: DurableObjectNamespaceLike, name?: string): {
  put(id: string, fields: { create?: Record<string, unknown>; update?: Record<string, unknown> }): Promise<AuditEntry>;
  list(query: { from?: number; to?: number; member?: string | string[]; operator?: string; cursor?: string | null; limit: number }): Promise<{ entries: AuditEntry[]; cursor: string | null }>;
};

export interface KvIdempotencyOptions {
  /** How long an entry lives, seconds (default 7 days; at least 1 day, MIN_TTL_SECONDS). */
  ttlSeconds?: number;
  /** Prepended to every key (default ""). */
  prefix?: string;
}

/**
 * BEST-EFFORT idempotency store in Workers KV (no atomic put-if-absent; eventually consistent).
 * Fine for Freemud and Qimai, which deduplicate on the key themselves. It has no `replace`
 * (compare-and-set), so a Kingdee client given it refuses `adjustPoints` with `config`: use
 * durableObjectIdempotencyStore.
 */
export declare function kvIdempotencyStore(
  kv: KVNamespaceLike,
  options?: KvIdempotencyOptions,
): Required<Omit<IdempotencyStore, "replace">> & { readonly bestEffort: true };

/** The parts of a service binding (a Fetcher) the coordinator adapter uses. */
export interface ServiceLike {
  fetch(input: string | Request, init?: RequestInit): Promise<Response>;
}

/**
 * The fetch handler of a Worker (or workerd process) that hosts JifenCoordinator for other
 * processes: `POST /objects/<name>` with `Authorization: Bearer <token>` goes to that object.
 */
export declare function serveCoordinator(
  request: Request,
  namespace: DurableObjectNamespaceLike,
  options: { token: string },
): Promise<Response>;

/**
 * A namespace look-alike over a service binding to a Worker that runs `serveCoordinator`: pass it to
 * durableObjectIdempotencyStore and durableObjectTokenCache, so separate processes share one store.
 */
export declare function coordinatorServiceNamespace(service: ServiceLike, options: { token: string }): DurableObjectNamespaceLike;
