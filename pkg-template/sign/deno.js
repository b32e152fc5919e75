// jifen/sign for Deno: the signing API only, with its own smaller wasm. The wasm comes in as a
// source-phase import (a compiled WebAssembly.Module), so loading needs no --allow-read or
// --allow-net. No init call is needed.
import source wasm from './jifen_wasm_bg.wasm';
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
