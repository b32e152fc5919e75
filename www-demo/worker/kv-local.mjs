// A local stand-in for Workers KV, for workerd, which has no KV backend of its
// own: a `kvNamespace` binding turns each call into an HTTP request to the
// service it names (workerd's src/workerd/api/kv.c++), and this Node server
// answers them from memory:
//
//   GET    /<key>?urlencoded=true[&cache_ttl=…]   → 200 value (+ CF-KV-Metadata) | 404
//   PUT    /<key>?urlencoded=true[&expiration_ttl=s|&expiration=epoch s]  body = value
//   DELETE /<key>?urlencoded=true                 → 200
//   GET    /?prefix=…&key_count_limit=…&cursor=… → { keys: [{ name, expiration?, metadata? }], list_complete, cursor? }
//
// The key is one percent-encoded path component. It is strongly consistent
// (one process), unlike real KV: see kvIdempotencyStore for what KV promises.
//
//   const kv = await startKvServer();   // kv.address ('127.0.0.1:port'), kv.entries(), kv.ops, await kv.close()

import { createServer } from 'node:http';

/** Starts the server on 127.0.0.1 (port 0: a free one). */
export function startKvServer({ port = 0, host = '127.0.0.1', now = () => Date.now() } = {}) {
  const store = new Map(); // key → { value: Buffer, exp: ms | null, metadata: string | null }
  const ops = { get: 0, put: 0, delete: 0, list: 0 };
  const live = (e) => e && (e.exp === null || e.exp > now());

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch {
        res.writeHead(500).end();
      }
    });
  });

  function handle(req, body, res) {
    const url = new URL(req.url, 'http://kv.local');
    const raw = url.pathname.slice(1);
    const q = url.searchParams;
    if (raw === '' && req.method === 'GET') {
      ops.list += 1;
      const prefix = q.get('prefix') ?? '';
      const limit = Math.min(Number(q.get('key_count_limit') ?? 1000) || 1000, 1000);
      const names = [...store.keys()].filter((k) => k.startsWith(prefix) && live(store.get(k))).sort();
      const start = q.get('cursor') ? Number(q.get('cursor')) : 0;
      const page = names.slice(start, start + limit);
      const done = start + limit >= names.length;
      const keys = page.map((name) => {
        const e = store.get(name);
        return { name, ...(e.exp ? { expiration: Math.floor(e.exp / 1000) } : {}), ...(e.metadata ? { metadata: e.metadata } : {}) };
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys, list_complete: done, ...(done ? {} : { cursor: String(start + limit) }) }));
      return;
    }
    let key;
    try {
      key = decodeURIComponent(raw);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (key === '' || key.length > 512) {
      res.writeHead(400).end();
      return;
    }
    if (req.method === 'GET') {
      ops.get += 1;
      const e = store.get(key);
      if (!live(e)) {
        store.delete(key);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', ...(e.metadata ? { 'cf-kv-metadata': e.metadata } : {}) });
      res.end(e.value);
    } else if (req.method === 'PUT') {
      ops.put += 1;
      let exp = null;
      if (q.has('expiration_ttl')) {
        const ttl = Number(q.get('expiration_ttl'));
        if (!Number.isSafeInteger(ttl) || ttl < 60) {
          res.writeHead(400).end(); // real KV: "Invalid expiration_ttl … must be at least 60"
          return;
        }
        exp = now() + ttl * 1000;
      } else if (q.has('expiration')) {
        exp = Number(q.get('expiration')) * 1000;
      }
      store.set(key, { value: body, exp, metadata: req.headers['cf-kv-metadata'] ?? null });
      res.writeHead(200).end();
    } else if (req.method === 'DELETE') {
      ops.delete += 1;
      store.delete(key);
      res.writeHead(200).end();
    } else {
      res.writeHead(405).end();
    }
  }

  return new Promise((resolveP, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      resolveP({
        address: `${host}:${p}`,
        url: `http://${host}:${p}`,
        ops,
        /** The live entries: key → { value (string), expiresAt (ms) | null }. */
        entries() {
          const out = new Map();
          for (const [k, e] of store) if (live(e)) out.set(k, { value: e.value.toString('utf8'), expiresAt: e.exp });
          return out;
        },
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
