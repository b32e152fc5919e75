// jifen/sign for Node and Bun (ESM): a thin wrapper over node.cjs, so that a process that both imports
// and requires "jifen/sign" holds one wasm instance and one JifenError class.
import sign from './node.cjs';

export const { buildRequest, Signer, verifyCallback, JifenError, init } = sign;
export default init;
