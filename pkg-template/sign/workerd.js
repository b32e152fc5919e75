// jifen/sign for Cloudflare Workers / workerd and bundlers that import a .wasm file as a compiled
// WebAssembly.Module (wrangler does by default): the signing API only, with its own smaller wasm.
// Workers forbid compiling wasm from bytes at run time, so the module comes in through the import
// and is only instantiated here. No init call is needed.
import wasm from './jifen_wasm_bg.wasm';
import * as glue from './jifen_wasm.js';
import { JifenError } from './jifen_error.js';
import { buildRequestWith } from '../build_request.js';

glue.initSync({ module: wasm });

/** Resolves at once: the wasm is already loaded. */
export async function init() {}
export const { Signer, verifyCallback } = glue;
export const buildRequest = buildRequestWith(glue.Signer);
export { JifenError };
export default init;
