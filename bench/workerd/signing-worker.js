// Signing inside workerd (bench/workerd-bench.mjs): GET /<impl>?n=N runs N
// Kingdee signings back to back in one request and answers with the last
// signature. Time inside a Worker does not advance without I/O, so the
// benchmark times requests from outside and takes (t(N) − t(0)) / N.
import { buildRequest } from '../../pkg/workerd.js';
import { kingdeeSubtle } from '../baselines/kingdee.mjs';

const config = { vendor: 'kingdee', clientId: '300721', clientSecret: 'sim0client0secret0not0real000001', domain: 'https://tf.jdy.com' };
const op = '/jdy/v2/ls/integral_adjust';
const params = { mobile: '13800138000', integral: 10, operation: 5 };
const options = { timestamp: 1700000000000, nonce: '1234567890', appToken: 'bench-app-token-not-real' };
const impls = {
  jifen: () => buildRequest(config, op, params, options),
  subtle: () => kingdeeSubtle(config, op, params, options),
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const impl = impls[url.pathname.slice(1)];
    if (!impl) return new Response('no such implementation', { status: 404 });
    const n = Number(url.searchParams.get('n') ?? 1);
    let last = await impl();
    for (let i = 1; i < n; i++) last = await impl();
    return new Response(JSON.stringify(last), { headers: { 'content-type': 'application/json' } });
  },
};
