// Cold start and size: what it costs to bring the package up, in Node and in
// workerd, and how big it is.
//
//   node bench/cold-start.mjs           15 fresh processes per measurement
//   node bench/cold-start.mjs --quick   2 each (make bench-smoke)
//   --out FILE                          also write the numbers as JSON
//
// Node: fresh `node` processes time each step (read, WebAssembly.Module
// compile, glue import, initSync, first buildRequest) and, separately, the
// whole `import('pkg/node.js')`. workerd: fresh `workerd serve` processes are
// timed from spawn to the first answered request, for a Worker with the
// package (bench/workerd/jifen-worker.js: compile + init at start-up, one
// buildRequest per request) and for the same Worker without it; the
// difference is the package's start-up. Medians, with min–max.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { ROOT, renderConfig } from '../www-demo/worker/capnp.mjs';
import { WORKERD } from '../www-demo/worker/gateway.mjs';
import { machine, printCommand } from './stats.mjs';

printCommand();

const { values: args } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' }, runs: { type: 'string' } } });
const RUNS = Number(args.runs ?? (args.quick ? 2 : 15));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const ms = (x) => `${x.toFixed(1)} ms`;

// 1. Size of what one runtime loads: the wasm and the ESM glue with its snippets.
const files = ['pkg/jifen_wasm_bg.wasm', 'pkg/jifen_wasm.js',
  ...execFileSync('find', ['pkg/snippets', '-name', '*.js'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)];
const size = { raw: 0, gzip9: 0, brotli11: 0, wasmRaw: 0, wasmGzip9: 0 };
for (const f of files) {
  const b = readFileSync(join(ROOT, f));
  const gz = gzipSync(b, { level: constants.Z_BEST_COMPRESSION }).length;
  size.raw += b.length; size.gzip9 += gz;
  size.brotli11 += brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  if (f.endsWith('.wasm')) { size.wasmRaw = b.length; size.wasmGzip9 = gz; }
}

// 2. Node: fresh processes.
function child(mode) {
  const out = execFileSync(process.execPath, [join(ROOT, 'bench/cold-node-child.mjs'), mode], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}
const steps = [];
const imports = [];
for (let i = 0; i < RUNS; i++) { steps.push(child('steps')); imports.push(child('import')); }
const node = {};
for (const k of Object.keys(steps[0])) node[k] = spread(steps.map((s) => s[k]));
node.importPkg = spread(imports.map((s) => s.importPkg));
node.firstCallAfterImport = spread(imports.map((s) => s.firstCall));

// 3. workerd: spawn → first answer, with and without the package.
const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});
async function workerdStart(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-cold-'));
  const address = `127.0.0.1:${await freePort()}`;
  const path = join(dir, 'cold.capnp');
  writeFileSync(path, renderConfig({ configDir: dir, address, names: [], entry: join(ROOT, entry) }));
  const t0 = performance.now();
  const proc = spawn(WORKERD, ['serve', path], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH } });
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => proc.once('exit', r));
  let ready = null, second = null, body = '';
  try {
    for (let i = 0; i < 6000 && proc.exitCode === null; i++) { // ≤ 30 s
      try {
        const r = await fetch(`http://${address}/`);
        body = await r.text();
        if (r.status !== 200) throw new Error(`workerd answered ${r.status}: ${body}`);
        ready = performance.now() - t0;
        break;
      } catch (e) {
        if (String(e.message).startsWith('workerd answered')) throw e;
        await sleep(5);
      }
    }
    if (ready === null) throw new Error(`workerd (${entry}) did not answer:\n${err}`);
    const t1 = performance.now();
    await (await fetch(`http://${address}/`)).text();
    second = performance.now() - t1;
  } finally {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  return { ready, second, body };
}
const wd = { jifen: [], empty: [] };
for (let i = 0; i < RUNS; i++) {
  wd.empty.push(await workerdStart('bench/workerd/empty-worker.js'));
  wd.jifen.push(await workerdStart('bench/workerd/jifen-worker.js'));
}
if (!wd.jifen.every((r) => r.body.length === 88)) throw new Error(`the jifen Worker did not sign: ${wd.jifen[0].body}`);
const workerd = {
  emptyReady: spread(wd.empty.map((r) => r.ready)),
  jifenReady: spread(wd.jifen.map((r) => r.ready)),
  packageStartup: median(wd.jifen.map((r) => r.ready)) - median(wd.empty.map((r) => r.ready)),
  jifenSecondRequest: spread(wd.jifen.map((r) => r.second)),
};

const env = machine();
console.log(`Node ${env.node}, workerd ${JSON.parse(readFileSync(join(ROOT, 'node_modules/workerd/package.json'), 'utf8')).version}, ${env.cpu} × ${env.cores}, load average ${env.loadavg}; ${RUNS} fresh processes each${args.quick ? ' (--quick: smoke numbers, not measurements)' : ''}\n`);
console.log(`size (wasm + ESM glue + snippets): ${size.raw} B raw, ${size.gzip9} B gzip -9, ${size.brotli11} B brotli -11 (wasm alone ${size.wasmRaw} B, ${size.wasmGzip9} B gzip -9)\n`);
console.log('| step | median | min – max |');
console.log('| --- | ---: | ---: |');
const row = (name, s) => console.log(`| ${name} | ${ms(s.median)} | ${ms(s.min)} – ${ms(s.max)} |`);
row('Node: read the .wasm', node.read);
row('Node: `new WebAssembly.Module` (compile)', node.compile);
row('Node: import the ESM glue', node.importGlue);
row('Node: `initSync` (instantiate + init)', node.instantiate);
row('Node: first `buildRequest` (Kingdee)', node.firstCall);
row('Node: `import("pkg/node.js")`, all of it', node.importPkg);
row('Node: first `buildRequest` after that import', node.firstCallAfterImport);
row('workerd: spawn → first answer, empty Worker', workerd.emptyReady);
row('workerd: spawn → first answer, Worker with jifen (first buildRequest included)', workerd.jifenReady);
console.log(`| workerd: the package's share (difference of medians) | ${ms(workerd.packageStartup)} | |`);
row('workerd: a second request (warm isolate)', workerd.jifenSecondRequest);
if (args.out) {
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify({ env, quick: Boolean(args.quick), runs: RUNS, size, node, workerd }, null, 2));
}
