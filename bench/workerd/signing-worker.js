// Signing inside workerd (bench/workerd-bench.mjs): GET /<impl>?n=N runs N
// Kingdee signings back to back in one request (buildRequest, the prepared Signer's
// buildSync and build, crypto.subtle with the key imported per call or kept) and answers with the last
// signature. Time inside a Worker does not advance without I/O, so the
// benchmark times requests from outside and takes (t(N) − t(0)) / N.
import { buildRequest, Signer } from '../../pkg/workerd.js';
import { kingdeeSubtle } from '../baselines/kingdee.mjs';

const config = { vendor: 'kingdee', clientId: '300721', clientSecret: 'sim0client0secret0not0real000001', domain: 'https://tf.jdy.com' };
const op = '/jdy/v2/ls/integral_adjust';
const params = { mobile: '13800138000', integral: 10, operation: 5 };
const options = { timestamp: 1700000000000, nonce: '1234567890', appToken: 'bench-app-token-not-real' };
const signer = new Signer(config);
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
