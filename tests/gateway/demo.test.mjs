// The demo starts the gateway for DEMO_VENDOR in front of its simulator,
// prints its URL and admin token, and stops workerd when it is stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const root = fileURLToPath(new URL('../..', import.meta.url));

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the demo serves the gateway for DEMO_VENDOR and stops workerd with itself', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, ['examples/demo.mjs'], {
    cwd: root, env: { ...process.env, SIM_PORT: '0', DEMO_VENDOR: 'qimai' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let pid;
  try {
    for (let i = 0; i < 600 && !out.includes('Ctrl-C to stop'); i++) await new Promise((r) => setTimeout(r, 100));
    const m = /edge gateway \(workerd pid (\d+)\) fronts qimai at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    assert.ok(m, `no gateway line in the demo output:\n${out}`);
    pid = Number(m[1]);
    const token = /admin token: (\S+)/.exec(out)?.[1];
    assert.ok(token);
    const r = await fetch(`${m[2]}/api/balance?member=id:383933091455959041`, { headers: { authorization: `Bearer ${token}` } });
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.available, 1000);
    assert.equal((await fetch(`${m[2]}/api/capabilities`)).status, 401);
    assert.ok(alive(pid));
    const storage = /idempotency store: JifenCoordinator Durable Object, on disk in (\S+)/.exec(out)?.[1];
    assert.ok(storage && existsSync(storage), `the demo says where its store is:\n${out}`);
  } finally {
    child.kill('SIGTERM');
  }
  const { code } = await exited;
  assert.equal(code, 0, out);
  assert.ok(pid && !alive(pid), 'workerd outlived the demo');
});
