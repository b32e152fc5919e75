// The jifen package, loaded the way workerd wants it: the wasm arrives as a
// compiled module (a `wasm` module in the capnp config) and is instantiated
// synchronously with initSync; the default init() would fetch import.meta.url.
// A namespace import, so methods this build lacks are `undefined`, not a link error.

import * as glue from '../../../pkg/jifen_wasm.js';
import wasmModule from '../../../pkg/jifen_wasm_bg.wasm';

glue.initSync({ module: wasmModule });

/** The package's exports: Client, buildRequest, verifyCallback, capabilities?, JifenError. */
export const jifen = {
  Client: glue.Client,
  buildRequest: glue.buildRequest,
  verifyCallback: glue.verifyCallback,
  capabilities: glue.capabilities,
  JifenError: glue.__jifenErrorClass(),
};
