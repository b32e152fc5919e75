// One fresh Node process of bench/cold-start.mjs. Mode `steps`: read, compile,
// instantiate + init, first call, each timed. Mode `import`: the whole
// `import('pkg/node.js')` as a user sees it, then the first call.
// Prints one JSON line of milliseconds.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const pkg = new URL(`../${process.argv[3] ?? 'pkg'}/`, import.meta.url);
const config = { vendor: 'kingdee', clientId: '300721', clientSecret: 'made-up-bench-secret-not-real' };
const call = (buildRequest) => buildRequest(config, '/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 10, operation: 5 }, { timestamp: 1700000000000, nonce: '1234567890' });
const out = {};
if (process.argv[2] === 'import') {
  const t0 = performance.now();
  const jifen = await import(new URL('node.js', pkg));
  const t1 = performance.now();
  await call(jifen.buildRequest);
  const t2 = performance.now();
  Object.assign(out, { importPkg: t1 - t0, firstCall: t2 - t1 });
} else {
  const t0 = performance.now();
  const bytes = readFileSync(new URL('jifen_wasm_bg.wasm', pkg));
  const t1 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t2 = performance.now();
  const glue = await import(new URL('jifen_wasm.js', pkg));
  const t3 = performance.now();
  glue.initSync({ module });
  const t4 = performance.now();
  const signer = new glue.Signer(config); // what the entries' buildRequest does
  await signer.build('/jdy/v2/ls/integral_adjust', { mobile: '13800138000', integral: 10, operation: 5 }, { timestamp: 1700000000000, nonce: '1234567890' });
  signer.free();
  const t5 = performance.now();
  Object.assign(out, { read: t1 - t0, compile: t2 - t1, importGlue: t3 - t2, instantiate: t4 - t3, firstCall: t5 - t4 });
}
console.log(JSON.stringify(out));
