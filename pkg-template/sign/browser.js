// jifen/sign in browsers (and the "default" condition): the signing API only, with its own smaller
// wasm, fetched from next to this file on the first `await init()`, which `buildRequest` and
// `verifyCallback` also await by themselves. Call `init()` yourself to load it early or from elsewhere:
// `init(url | Request | Response | BufferSource | WebAssembly.Module)`. `new Signer()` is synchronous:
// before init has finished it throws a JifenError with code "config".
import initGlue, * as glue from './jifen_wasm.js';
import { JifenError } from './jifen_error.js';
import { buildRequestWith } from '../build_request.js';

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
        throw new JifenError('config', `jifen/sign: loading the WebAssembly module failed: ${e?.message ?? e}`);
      },
    );
  }
  return loading;
}

const build = buildRequestWith(glue.Signer);
export async function buildRequest(config, operation, params, options) {
  await init();
  return build(config, operation, params, options);
}

export async function verifyCallback(config, request, options) {
  await init();
  return glue.verifyCallback(config, request, options);
}

export class Signer extends glue.Signer {
  constructor(config) {
    if (!ready) {
      throw new JifenError('config', 'jifen/sign: new Signer() needs the WebAssembly module, which is not loaded yet: '
        + '`await init()` (the default export of "jifen/sign") first');
    }
    super(config);
  }
}

export { JifenError };
export default init;
