// Node and Bun (ESM). A thin wrapper over node.cjs, so that a process that both imports and requires
// "jifen" holds one wasm instance and one JifenError class (instanceof works across both).
import jifen from './node.cjs';

export const { buildRequest, Signer, Client, verifyCallback, capabilities, JifenError, fileTokenCache, init } = jifen;
export default init;
