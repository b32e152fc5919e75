// Cold-start probe (bench/cold-start.mjs): the package loaded the way workerd
// loads it (pkg/workerd.js: the wasm as a compiled module, initSync at import),
// answering each request with one Kingdee buildRequest.
import { buildRequest } from '../../pkg/workerd.js';

const config = { vendor: 'kingdee', clientId: '300721', clientSecret: 'made-up-bench-secret-not-real' };
const params = { mobile: '13800138000', integral: 10, operation: 5 };

export default {
  async fetch() {
    const req = await buildRequest(config, '/jdy/v2/ls/integral_adjust', params, { timestamp: 1700000000000, nonce: '1234567890' });
    return new Response(req.headers['X-Api-Signature']);
  },
};
