// Node, Deno and Bun (ESM): load the wasm next to this file synchronously, no init call needed.
import { readFileSync } from 'node:fs';
import { initSync, buildRequest, Client, verifyCallback, __jifenErrorClass } from './jifen_wasm.js';

initSync({ module: readFileSync(new URL('./jifen_wasm_bg.wasm', import.meta.url)) });

/** @type {typeof import('./index.d.ts').JifenError} */
export const JifenError = __jifenErrorClass();
export { buildRequest, Client, verifyCallback };
