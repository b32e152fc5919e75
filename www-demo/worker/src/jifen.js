// The jifen package through its workerd entry (pkg/workerd.js, the file the
// exports map names for the "workerd" and "worker" conditions): it imports the
// wasm as a compiled module (a `wasm` module in the capnp config) and calls
// initSync, since workers may not compile wasm from bytes at run time.
// A namespace import, so a method this build lacks is `undefined`, not a link error.

import * as pkg from '../../../pkg/workerd.js';

/** The package's exports: Client, buildRequest, verifyCallback, capabilities, JifenError. */
export const jifen = {
  Client: pkg.Client,
  buildRequest: pkg.buildRequest,
  verifyCallback: pkg.verifyCallback,
  capabilities: pkg.capabilities,
  JifenError: pkg.JifenError,
};
