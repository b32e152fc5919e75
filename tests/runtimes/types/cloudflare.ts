// A Worker consumer of `jifen/cloudflare` (lib dom for Request/Response): its stores fit
// `new Client(config, options)`, and its store types are the main entry's.
import { Client } from "jifen";
import type { IdempotencyStore as MainStore, TokenCache as MainCache } from "jifen";
import {
  durableObjectIdempotencyStore, durableObjectTokenCache, kvIdempotencyStore, MIN_TTL_SECONDS,
  type DurableObjectNamespaceLike, type IdempotencyStore, type KVNamespaceLike, type TokenCache,
} from "jifen/cloudflare";

export function client(ns: DurableObjectNamespaceLike, kv: KVNamespaceLike): string {
  const idempotencyStore: IdempotencyStore = durableObjectIdempotencyStore(ns, { shards: 4, ttlSeconds: MIN_TTL_SECONDS });
  const tokenCache: TokenCache = durableObjectTokenCache(ns, "kingdee:1:42");
  const same: MainStore = idempotencyStore;
  const cache: MainCache = tokenCache;
  const best: MainStore = kvIdempotencyStore(kv, { prefix: "p:" });
  void same; void cache; void best;
  return new Client({ vendor: "kingdee", clientId: "1", clientSecret: "test-only", outerInstanceId: "42" }, { idempotencyStore, tokenCache }).vendor;
}
