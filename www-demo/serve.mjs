// A tiny static server for the admin page: www-demo/ at /, the built package
// (pkg/) at /pkg/. No dependencies; 127.0.0.1 only; GET and HEAD only.
//
// Cacheable and compressed: the page's scripts and styles are also served under
// content-hashed names (app.3f2a9c1d0e.js, their imports rewritten to the hashed
// names too) with `cache-control: immutable`, and index.html names those, with
// `no-cache`; everything else revalidates by ETag. Text is sent brotli- or
// gzip-compressed when the browser accepts it.
//   node www-demo/serve.mjs            (ADMIN_PORT, default 8702)
//   import { startAdminServer } from './www-demo/serve.mjs'; const s = await startAdminServer({ port: 0 });
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8', '.ts': 'text/plain; charset=utf-8',
};
// The page may talk to any gateway or simulator the user names; scripts and styles only from here.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src *; "
  + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** Maps a URL path to a file under www-demo/ or pkg/, or null (outside, hidden, or the gateway's sources). */
export function resolvePath(urlPath, { root = here, pkg = join(here, '..', 'pkg') } = {}) {
  let p;
  try { p = decodeURIComponent(urlPath); } catch { return null; }
  if (p.includes('\0')) return null;
  root = resolve(root); // no trailing separator
  pkg = resolve(pkg);
  const [base, rel] = p === '/pkg' || p.startsWith('/pkg/') ? [pkg, p.slice(4)] : [root, p];
  const file = normalize(join(base, rel.endsWith('/') || rel === '' ? rel + 'index.html' : rel));
  if (!file.startsWith(base + sep)) return null;
  const inside = file.slice(base.length);
  // No dotfiles, no server sources, no gateway Worker (its config may name secrets).
  if (/(^|[\\/])\./.test(inside)) return null;
  if (base === root && /^[\\/](worker|node_modules)([\\/]|$)|^[\\/]serve\.mjs$/.test(inside)) return null;
  return file;
}

const RELATIVE_IMPORT = /(\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)(['"])(\.\.?\/[^'"]+\.(?:js|css))\2/gm;
const hash10 = (text) => createHash('sha256').update(text).digest('hex').slice(0, 10);

/**
 * The hashed assets of `root`: Map of URL path → { data, type } for every script (with its
 * relative imports rewritten to hashed names) and style, and index.html naming them.
 */
export async function hashedAssets(root = here) {
  const out = new Map();
  const names = new Map(); // absolute file → hashed URL path
  const visiting = new Set();
  async function name(file) {
    if (names.has(file)) return names.get(file);
    if (visiting.has(file)) throw new Error(`import cycle at ${file}`);
    visiting.add(file);
    let text = await readFile(file, 'utf8');
    if (file.endsWith('.js')) {
      const parts = [];
      for (const m of text.matchAll(RELATIVE_IMPORT)) parts.push(m);
      for (const m of parts.reverse()) {
        const target = resolve(dirname(file), m[3]);
        const hashed = await name(target);
        const rel = relative(dirname(file), resolve(root, `.${hashed}`)).split(sep).join('/');
        const spec = rel.startsWith('.') ? rel : `./${rel}`;
        text = text.slice(0, m.index) + `${m[1]}${m[2]}${spec}${m[2]}` + text.slice(m.index + m[0].length);
      }
    }
    const rel = relative(root, file).split(sep).join('/');
    const ext = extname(rel);
    const urlPath = `/${rel.slice(0, -ext.length)}.${hash10(text)}${ext}`;
    out.set(urlPath, { data: Buffer.from(text), type: TYPES[ext] });
    names.set(file, urlPath);
    visiting.delete(file);
    return urlPath;
  }
  let html = await readFile(join(root, 'index.html'), 'utf8');
  for (const m of [...html.matchAll(/(href|src)="([\w./-]+\.(?:js|css))"/g)]) {
    html = html.replace(m[0], `${m[1]}="${(await name(resolve(root, m[2]))).slice(1)}"`);
  }
  out.set('/', { data: Buffer.from(html), type: TYPES['.html'], page: true });
  return out;
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|wasm))|svg/;
const compressed = new Map(); // `${etag}:${encoding}` → Buffer

/** The body in the best encoding the request accepts: [data, encoding or null]. */
function encode(req, data, type, etag) {
  const accept = String(req.headers['accept-encoding'] ?? '');
  if (data.length < 512 || !COMPRESSIBLE.test(type)) return [data, null];
  const enc = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
  if (!enc) return [data, null];
  const key = `${etag}:${enc}`;
  if (!compressed.has(key)) {
    compressed.set(key, enc === 'br'
      ? brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } })
      : gzipSync(data, { level: 9 }));
  }
  return [compressed.get(key), enc];
}

export async function startAdminServer({ port = Number(process.env.ADMIN_PORT ?? 8702), host = '127.0.0.1', root, pkg } = {}) {
  let assets = null; // built on first use, again when a file under root changes (development)
  let builtAt = 0;
  const server = http.createServer(async (req, res) => {
    const headers = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      'content-security-policy': CSP, vary: 'accept-encoding' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' });
      return res.end('method not allowed\n');
    }
    const path = new URL(req.url, 'http://x').pathname;
    try {
      if (!assets || Date.now() - builtAt > 1000) {
        assets = await hashedAssets(root ?? here);
        builtAt = Date.now();
      }
      const asset = assets.get(path === '/index.html' ? '/' : path);
      let data, type;
      if (asset) {
        ({ data, type } = asset);
        // A hashed name never changes its content: cached for a year. The page itself revalidates.
        if (!asset.page) headers['cache-control'] = 'public, max-age=31536000, immutable';
      } else {
        const file = resolvePath(path, { root, pkg });
        if (!file || !(await stat(file)).isFile()) throw new Error('not a file');
        data = await readFile(file);
        type = TYPES[extname(file)] ?? 'application/octet-stream';
      }
      const etag = `"${hash10(data)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...headers, etag });
        return res.end();
      }
      const [body, enc] = encode(req, data, type, etag);
      res.writeHead(200, { ...headers, etag, 'content-type': type, 'content-length': body.length, ...(enc ? { 'content-encoding': enc } : {}) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found\n');
    }
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, host, resolve); });
  const url = `http://${host}:${server.address().port}`;
  return { url, port: server.address().port, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await startAdminServer();
  console.log(`admin page: ${s.url}/  (package at ${s.url}/pkg/)`);
  const stop = async () => { await s.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
