// Inside workerd (bench/workerd-bench.mjs): GET /<impl>?n=N runs N Kingdee signings back to back in one
// request (buildRequest, the prepared Signer's buildSync and build, crypto.subtle with the key imported per
// call or kept), or N `getBalance` calls through jifen's Client and through the plain-JS client
// (bench/plain-gateway/jifen.js, and fair.js: the same client doing jifen's work around each call) on a stub fetch with canned replies (bench/canned-kingdee.mjs), and answers
// with the last result. Time inside a Worker does not advance without I/O, so the benchmark times
// requests from outside and takes (t(N) − t(1)) / (N − 1), and reads workerd's CPU time around them.
import { buildRequest, Signer, Client } from '../../pkg/workerd.js';
import { kingdeeSubtle } from '../baselines/kingdee.mjs';
import { jifen as plain } from '../plain-gateway/jifen.js';
import { jifen as fair } from '../plain-gateway/fair.js';
import { config as cannedConfig, args as balanceArgs, stubFetch } from '../canned-kingdee.mjs';

const config = { vendor: 'kingdee', clientId: '300721', clientSecret: 'sim0client0secret0not0real000001', domain: 'https://tf.jdy.com' };
const op = '/jdy/v2/ls/integral_adjust';
const params = { mobile: '13800138000', integral: 10, operation: 5 };
const options = { timestamp: 1700000000000, nonce: '1234567890', appToken: 'bench-app-token-not-real' };
const signer = new Signer(config);
// One client each, made on the first request (its token then cached, as in a gateway isolate).
let jifenClient, plainClient, fairClient;
let kept; // crypto.subtle's HMAC key, imported on the first request and kept (what a plain-JS gateway does)
const impls = {
  jifen: () => buildRequest(config, op, params, options),
  signer: () => signer.buildSync(op, params, options),
  signerAsync: () => signer.build(op, params, options),
  subtle: () => kingdeeSubtle(config, op, params, options),
  subtleKept: async () => {
    kept ??= await crypto.subtle.importKey('raw', new TextEncoder().encode(config.clientSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return kingdeeSubtle(config, op, params, { ...options, key: kept });
  },
  balanceJifen: () => (jifenClient ??= new Client(cannedConfig, { fetch: stubFetch })).getBalance(balanceArgs),
  balancePlain: () => (plainClient ??= new plain.Client(cannedConfig, { fetch: stubFetch })).getBalance(balanceArgs),
  balanceFair: () => (fairClient ??= new fair.Client(cannedConfig, { fetch: stubFetch })).getBalance(balanceArgs),
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
