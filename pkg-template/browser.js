// Browsers (and the "default" condition): the wasm is fetched from next to this file on the first
// `await init()`, which the async functions also await by themselves. Call `init()` yourself to load
// it early or from elsewhere: `init(url | Request | Response | BufferSource | WebAssembly.Module)`.
// `new Client()`, `new Signer()` and `capabilities()` are synchronous: before init has finished they throw a
// JifenError with code "config" instead of failing inside the glue.
import initGlue, * as glue from './jifen_wasm.js';
import { JifenError } from './jifen_error.js';
import { buildRequestWith } from './build_request.js';

// `client.ledger()` returns a LedgerIter (next/return): make it usable with `for await`.
glue.LedgerIter.prototype[Symbol.asyncIterator] = function () { return this; };

let loading;
let ready = false;

/** Loads the wasm once; later calls return the same promise (and ignore their argument). */
export function init(source) {
  if (!loading) {
    // Also takes wasm-bindgen's own `{ module_or_path }` form.
    const given = source && Object.getPrototypeOf(source) === Object.prototype && 'module_or_path' in source
      ? source.module_or_path : source;
    const module_or_path = given ?? new URL('./jifen_wasm_bg.wasm', import.meta.url);
    loading = initGlue({ module_or_path }).then(
      () => { ready = true; },
      (e) => {
        loading = undefined;
        throw new JifenError('config', `jifen: loading the WebAssembly module failed: ${e?.message ?? e}`);
      },
    );
  }
  return loading;
}

const notReady = (what) => new JifenError('config',
  `jifen: ${what} needs the WebAssembly module, which is not loaded yet: \`await init()\` (the default export of "jifen") first`);

const build = buildRequestWith(glue.Signer);
export async function buildRequest(config, operation, params, options) {
  await init();
  return build(config, operation, params, options);
}

export async function verifyCallback(config, request, options) {
  await init();
  return glue.verifyCallback(config, request, options);
}

export function capabilities(vendor) {
  if (!ready) throw notReady('capabilities()');
  return glue.capabilities(vendor);
}

export class Signer extends glue.Signer {
  constructor(config) {
    if (!ready) throw notReady('new Signer()');
    super(config);
  }
}

export class Client extends glue.Client {
  constructor(config, options) {
    if (!ready) throw notReady('new Client()');
    super(config, options);
  }
}

export { JifenError };
/** Node and Bun only (the token is kept in a file); see index.d.ts. Here it explains what to use instead. */
export function fileTokenCache() {
  throw new JifenError('unsupported', 'fileTokenCache keeps the token in a file, so it needs Node or Bun ("jifen/node"); '
    + 'in a Worker use durableObjectTokenCache from "jifen/cloudflare", elsewhere pass a tokenCache of your own ({ get, set, lock?, unlock? })');
}
export default init;
