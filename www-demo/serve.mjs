// A tiny static server for the admin page: www-demo/ at /, the built package
// (pkg/) at /pkg/. No dependencies; 127.0.0.1 only; GET and HEAD only.
//   node www-demo/serve.mjs            (ADMIN_PORT, default 8702)
//   import { startAdminServer } from './www-demo/serve.mjs'; const s = await startAdminServer({ port: 0 });
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
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

export async function startAdminServer({ port = Number(process.env.ADMIN_PORT ?? 8702), host = '127.0.0.1', root, pkg } = {}) {
  const server = http.createServer(async (req, res) => {
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
      'content-security-policy': CSP };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain' });
      return res.end('method not allowed\n');
    }
    const path = new URL(req.url, 'http://x').pathname;
    const file = resolvePath(path, { root, pkg });
    try {
      if (!file || !(await stat(file)).isFile()) throw new Error('not a file');
      const data = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': data.length });
      res.end(req.method === 'HEAD' ? undefined : data);
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
