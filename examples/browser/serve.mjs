// Serves the example page, the jifen package (under /jifen/) and the simulator's Qimai config
// (/config.json) on 127.0.0.1. Run it under the simulator and open the URL it prints:
//   npx jifen sim -- node browser/serve.mjs          (PORT=8000 to pick the port; default: a free one)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
// A credential must never reach a page: only the simulator's made-up config on a loopback URL is served.
if (!env.JIFEN_SIM_URL || !/^http:\/\/127\.0\.0\.1:\d+$/.test(env.JIFEN_SIM_URL)) {
  console.error('serve.mjs serves the simulator\'s config only: run it as `npx jifen sim -- node browser/serve.mjs`');
  process.exit(2);
}
const config = {
  vendor: 'qimai', openId: env.JIFEN_QIMAI_OPEN_ID, grantCode: env.JIFEN_QIMAI_GRANT_CODE,
  openKey: env.JIFEN_QIMAI_OPEN_KEY, baseUrl: env.JIFEN_QIMAI_BASE_URL,
};
const here = dirname(fileURLToPath(import.meta.url));
const pkg = dirname(createRequire(import.meta.url).resolve('jifen/package.json'));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** The file for a URL path under `root`, or null if it would leave it. */
const within = (root, path) => {
  const file = normalize(join(root, decodeURIComponent(path)));
  return file === root || file.startsWith(root + sep) ? file : null;
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/config.json') {
    res.writeHead(200, { 'content-type': TYPES['.json'] }).end(JSON.stringify(config));
    return;
  }
  const file = path.startsWith('/jifen/') ? within(pkg, path.slice('/jifen/'.length)) : within(here, path === '/' ? 'index.html' : path.slice(1));
  try {
    if (!file) throw new Error('outside');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
});
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`open http://127.0.0.1:${server.address().port}/ (Ctrl-C stops)`);
});
const stop = () => { server.close(() => process.exit(0)); server.closeAllConnections(); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
