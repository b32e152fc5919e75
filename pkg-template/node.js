// Node, Deno and Bun (ESM): load the wasm next to this file synchronously, no init call needed.
import { readFileSync } from 'node:fs';
import { initSync, buildRequest, Client, verifyCallback, capabilities, LedgerIter, __jifenErrorClass } from './jifen_wasm.js';

initSync({ module: readFileSync(new URL('./jifen_wasm_bg.wasm', import.meta.url)) });

/** @type {typeof import('./index.d.ts').JifenError} */
export const JifenError = __jifenErrorClass();
// `client.ledger()` returns a LedgerIter: make it usable with `for await`.
LedgerIter.prototype[Symbol.asyncIterator] = function () { return this; };

export { buildRequest, Client, verifyCallback, capabilities };
