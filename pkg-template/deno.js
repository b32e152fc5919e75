// Deno: the wasm comes in as a source-phase import (a compiled WebAssembly.Module), so loading the
// package needs no --allow-read or --allow-net. No init call is needed.
import source wasm from './jifen_wasm_bg.wasm';
import * as glue from './jifen_wasm.js';
import { JifenError } from './jifen_error.js';
import { buildRequestWith } from './build_request.js';

glue.initSync({ module: wasm });
// `client.ledger()` returns a LedgerIter (next/return): make it usable with `for await`.
glue.LedgerIter.prototype[Symbol.asyncIterator] = function () { return this; };

/** Resolves at once: the wasm is already loaded. */
export async function init() {}
export const { Signer, Client, verifyCallback, capabilities } = glue;
export const buildRequest = buildRequestWith(glue.Signer);
export { JifenError };
/** Node and Bun only (the token is kept in a file); see index.d.ts. Here it explains what to use instead. */
export function fileTokenCache() {
  throw new JifenError('unsupported', 'fileTokenCache keeps the token in a file, so it needs Node or Bun ("jifen/node"); '
    + 'in a Worker use durableObjectTokenCache from "jifen/cloudflare", elsewhere pass a tokenCache of your own ({ get, set, lock?, unlock? })');
}
export default init;
