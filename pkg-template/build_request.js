// `buildRequest` for the ESM entries: a Signer made, used once and freed (the future it started keeps
// what it needs), so the wasm holds one signing path for both. node.cjs has the CommonJS twin.

/** `buildRequest` over a glue's `Signer` class. */
export function buildRequestWith(Signer) {
  return function buildRequest(config, operation, params, options) {
    let signer;
    try {
      signer = new Signer(config);
    } catch (e) {
      return Promise.reject(e);
    }
    try {
      return signer.build(operation, params, options);
    } finally {
      signer.free();
    }
  };
}
