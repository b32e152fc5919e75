// Every public export of the wasm-bindgen glue reaches users: the smoke test's API list (which every
// runtime checks against its entry) names it, and index.d.ts declares it. Catches a new #[wasm_bindgen]
// function that an entry file or the declarations forgot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { API, SIGN_API } from './smoke.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
const read = (f) => readFileSync(new URL(f, pkg), 'utf8');
// Internal to the entries: the loaders, the error-class accessor, the ledger iterator's class.
const INTERNAL = new Set(['initSync', 'default', '__jifenErrorClass', 'LedgerIter']);
// Defined by the entries themselves: JifenError and init, and buildRequest (a Signer used once).
const ENTRY = ['JifenError', 'init', 'buildRequest'];

test('the smoke API list = the glue\'s public exports + JifenError, init and buildRequest', async () => {
  // The module's own export names (importing the --target web glue does not instantiate the wasm);
  // the glue is minified, so its text is not read line by line.
  const names = new Set(Object.keys(await import(new URL('jifen_wasm.js', pkg))));
  const expected = [...names].filter((n) => !INTERNAL.has(n)).concat(ENTRY).sort();
  assert.ok(expected.length >= 6, `too few glue exports found: ${expected}`);
  assert.deepEqual([...API].sort(), expected);
});

test('index.d.ts and index.d.cts declare every API name, and the default export', () => {
  for (const file of ['index.d.ts', 'index.d.cts']) {
    const dts = read(file);
    for (const name of API) assert.match(dts, new RegExp(`^export (?:declare )?(?:function|class) ${name}\\b`, 'm'), `${file} lacks ${name}`);
    assert.match(dts, /^export default init;$/m, `${file} lacks the default export`);
  }
});

test('node.js (ESM) and node.cjs hand out the same objects: one wasm instance per process', async () => {
  const esm = await import(new URL('node.js', pkg));
  const { createRequire } = await import('node:module');
  const cjs = createRequire(import.meta.url)(new URL('node.cjs', pkg).pathname);
  for (const name of API) assert.equal(esm[name], cjs[name], name);
  assert.equal(esm.default, cjs.init);
});

test('jifen/cloudflare is exported with its types and loads', async () => {
  const pkgJson = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url)));
  const entry = pkgJson.exports['./cloudflare'];
  assert.deepEqual(entry, { types: './cloudflare.d.ts', default: './cloudflare.js' });
  for (const f of Object.values(entry)) assert.ok(existsSync(new URL(`../../pkg/${f.slice(2)}`, import.meta.url)), f);
  const cf = await import('../../pkg/cloudflare.js');
  for (const name of ['JifenCoordinator', 'durableObjectIdempotencyStore', 'durableObjectTokenCache', 'kvIdempotencyStore',
    'serveCoordinator', 'coordinatorServiceNamespace', 'durableObjectAuditLog']) {
    assert.equal(typeof cf[name], 'function', name);
  }
});

test('jifen/sign: exported for every condition "." has, each naming its own file under sign/', () => {
  const exports = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url))).exports;
  // The same shape as ".", every target moved under ./sign/ (types included).
  const moved = JSON.parse(JSON.stringify(exports['.']).replaceAll('"./', '"./sign/'));
  assert.deepEqual(exports['./sign'], moved);
  const targets = JSON.stringify(exports['./sign']).match(/\.\/sign\/[^"]+/g);
  for (const f of new Set(targets)) assert.ok(existsSync(new URL(f.slice(2), pkg)), `${f} is missing from pkg/`);
});

test('jifen/sign: its glue exports the signing API only; node.js and node.cjs hand out the same objects', async () => {
  const names = new Set(Object.keys(await import(new URL('sign/jifen_wasm.js', pkg))));
  const expected = [...names].filter((n) => !INTERNAL.has(n)).concat(ENTRY).sort();
  assert.deepEqual([...SIGN_API].sort(), expected);
  const esm = await import(new URL('sign/node.js', pkg));
  const { createRequire } = await import('node:module');
  const cjs = createRequire(import.meta.url)(new URL('sign/node.cjs', pkg).pathname);
  for (const name of SIGN_API) assert.equal(esm[name], cjs[name], name);
  assert.equal(esm.default, cjs.init);
  // Its own wasm: not the main entry's objects.
  const main = await import(new URL('node.js', pkg));
  assert.notEqual(esm.Signer, main.Signer);
  for (const file of ['sign/index.d.ts', 'sign/index.d.cts']) {
    const dts = read(file);
    const values = /^export \{([^}]*)\} from "\.\.\/index\.c?js";$/m.exec(dts)?.[1].split(',').map((s) => s.trim());
    assert.deepEqual(values?.sort(), [...SIGN_API].sort(), `${file}: its value exports`);
    assert.match(dts, /^export \{ default \} from "\.\.\/index\.c?js";$/m, `${file} lacks the default export`);
    assert.match(dts, file.endsWith('.d.cts') ? /"\.\.\/index\.cjs"/ : /"\.\.\/index\.js"/, `${file}: the main declarations of its kind`);
  }
});
