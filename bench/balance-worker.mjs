// The Worker source that bench/workerd-ab.mjs and bench/workerd-balance-profile.mjs run: N `getBalance` calls
// on one Client (made on the first request, as in a gateway isolate) on the stub fetch of
// bench/canned-kingdee.mjs. It is written under target/ (workerd names modules by their path in the
// repository) and imports the build by a path relative to where it is written.
import { join, relative } from 'node:path';
import { ROOT } from '../www-demo/worker/capnp.mjs';

/**
 * The Worker's source for `dir`, to be written in the directory `at`. `dir` is a package directory, or
 * `plain` for the plain-JS client (bench/plain-gateway/jifen.js), or a path ending in `.js` to a module
 * shaped like it (exports `jifen`, e.g. bench/plain-gateway/fair.js).
 */
export function balanceWorker(dir, at) {
  const rel = (p) => { const r = relative(at, join(ROOT, p)).split('\\').join('/'); return r.startsWith('.') ? r : `./${r}`; };
  const plain = dir === 'plain' ? 'bench/plain-gateway/jifen.js' : dir.endsWith('.js') ? dir : null;
  const source = plain
    ? `import { jifen } from '${rel(plain)}';\nconst { Client } = jifen;`
    : `import { Client } from '${rel(`${dir}/workerd.js`)}';`;
  return `${source}
import { config, args, stubFetch } from '${rel('bench/canned-kingdee.mjs')}';
let client;
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('n') ?? 1);
    client ??= new Client(config, { fetch: stubFetch });
    let last;
    for (let i = 0; i < n; i++) last = await client.getBalance(args);
    return new Response(JSON.stringify(last));
  },
};
`;
}
