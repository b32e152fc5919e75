// Node (CommonJS, and under node.js also ESM) and Bun: loads jifen_wasm_bg.wasm next to this file
// synchronously when first required; no init call is needed (init() exists for code shared with browsers).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const glue = require('./jifen_wasm.cjs');
const { JifenError } = require('./jifen_error.cjs');
const { fileTokenCache } = require('./file_token_cache.cjs');

glue.initSync({ module: readFileSync(join(__dirname, 'jifen_wasm_bg.wasm')) });
// `client.ledger()` returns a LedgerIter (next/return): make it usable with `for await`.
glue.LedgerIter.prototype[Symbol.asyncIterator] = function () { return this; };

/** Builds and signs one request: a Signer made, used once and freed (the future it started keeps
 * what it needs), so the wasm holds one signing path for both. build_request.js is the ESM twin. */
function buildRequest(config, operation, params, options) {
  let signer;
  try {
    signer = new glue.Signer(config);
  } catch (e) {
    return Promise.reject(e);
  }
  try {
    return signer.build(operation, params, options);
  } finally {
    signer.free();
  }
}

/** Resolves at once: the wasm is already loaded. */
async function init() {}

module.exports = {
  buildRequest,
  Signer: glue.Signer,
  Client: glue.Client,
  verifyCallback: glue.verifyCallback,
  capabilities: glue.capabilities,
  JifenError,
  fileTokenCache,
  init,
  default: init,
};
