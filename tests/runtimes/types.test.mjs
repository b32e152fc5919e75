// The package's hand-written declarations (pkg/index.d.ts, index.d.cts), checked with the pinned
// TypeScript through the package's own exports map (node_modules/jifen is a link to pkg/):
//  - consumer.ts passes `tsc --noEmit --strict` under module resolution nodenext and bundler, with
//    lib es2022 alone (no DOM, no @types/node) and with the DOM;
//  - consumer.cts (CommonJS, `import x = require("jifen")`) passes under nodenext;
//  - browser.ts (init with URL / fetch, the global fetch as transport) passes with the DOM;
//  - cloudflare.ts (jifen/cloudflare's stores in a Client, its store types the main entry's) passes with the DOM;
//  - sign.ts (ESM, nodenext and bundler) and sign.cts (CommonJS): jifen/sign's API with the main entry's types;
//  - wrong.ts: every wrong use is marked `@ts-expect-error`, so a use the types let through fails;
//  - control.ts must fail: proof that the check reads the files and resolves "jifen" at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), 'types');
const root = join(here, '..', '..', '..');
const pkg = join(root, 'pkg');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
let work;

before(() => {
  assert.ok(existsSync(join(pkg, 'index.d.ts')), 'pkg/index.d.ts is missing: run `make build` first');
  assert.ok(existsSync(tsc), `${tsc} is missing: run scripts/setup.sh (npm install)`);
  work = mkdtempSync(join(tmpdir(), 'jifen-types-'));
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(pkg, join(work, 'node_modules', 'jifen'), 'dir');
  for (const f of readdirSync(here)) copyFileSync(join(here, f), join(work, f));
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'jifen-types-consumer', private: true, type: 'module' }));
});
after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

/** Runs tsc on `files` with a generated tsconfig; resolves to { status, out }. */
function check(name, files, { module = 'nodenext', lib = ['es2022'] } = {}) {
  const config = {
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module, moduleResolution: module === 'nodenext' ? 'nodenext' : 'bundler',
      lib, types: [], skipLibCheck: false, noUnusedLocals: true, exactOptionalPropertyTypes: false,
    },
    files,
  };
  writeFileSync(join(work, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
  const r = spawnSync(tsc, ['-p', `tsconfig.${name}.json`, '--noEmit', '--strict', '--pretty', 'false'], { cwd: work, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const passes = (name, files, opts) => {
  const { status, out } = check(name, files, opts);
  assert.equal(status, 0, `tsc --strict failed on ${files.join(', ')}:\n${out}`);
  assert.equal(out.trim(), '', out);
};

test('consumer.ts passes tsc --noEmit --strict (nodenext, lib es2022 only: no DOM, no @types/node)', () => {
  passes('node', ['consumer.ts']);
});

test('consumer.ts passes under bundler resolution with the DOM', () => {
  passes('bundler', ['consumer.ts'], { module: 'esnext', lib: ['es2022', 'dom'] });
});

test('consumer.cts: CommonJS `import x = require("jifen")` gets the same types', () => {
  passes('cjs', ['consumer.cts']);
});

test('browser.ts: init() takes URL / fetch promises, the global fetch fits ClientOptions.fetch', () => {
  passes('browser', ['browser.ts'], { module: 'esnext', lib: ['es2022', 'dom'] });
});

test('cloudflare.ts: jifen/cloudflare stores fit ClientOptions; its store types are index.d.ts\'s', () => {
  passes('cloudflare', ['cloudflare.ts'], { module: 'esnext', lib: ['es2022', 'dom'] });
});

test('sign.ts / sign.cts: jifen/sign has the signing API and the main entry\'s types, for import and require', () => {
  passes('sign', ['sign.ts']);
  passes('sign-bundler', ['sign.ts'], { module: 'esnext', lib: ['es2022', 'dom'] });
  passes('sign-cjs', ['sign.cts']);
});

test('wrong.ts: every wrong use is a type error (each is an @ts-expect-error that must be used)', () => {
  passes('wrong', ['wrong.ts'], { module: 'esnext', lib: ['es2022', 'dom'] });
});

test('control.ts fails (the check is real)', () => {
  const { status, out } = check('control', ['control.ts']);
  assert.notEqual(status, 0, 'tsc accepted a file with a type error');
  assert.match(out, /control\.ts\(3,7\): error TS2322: Type '[^']+' is not assignable to type 'number'/);
});
