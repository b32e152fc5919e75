// jifen/sign for Node (CommonJS, and under node.js also ESM) and Bun: the signing API only (`Signer`,
// `buildRequest`, `verifyCallback`), with its own smaller wasm and no client. Loads jifen_wasm_bg.wasm
// next to this file synchronously when first required; no init call is needed.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const glue = require('./jifen_wasm.cjs');
const { JifenError } = require('./jifen_error.cjs');

glue.initSync({ module: readFileSync(join(__dirname, 'jifen_wasm_bg.wasm')) });

/** Builds and signs one request: a Signer made, used once and freed (as in ../node.cjs). */
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
  verifyCallback: glue.verifyCallback,
  JifenError,
  init,
  default: init,
};
