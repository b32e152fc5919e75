// `make demo` reaches a listening simulator: start it, poll it, stop it by its PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('make demo serves the simulator and stops on SIGTERM', { timeout: 300_000 }, async () => {
  const port = 18790 + Math.floor(Math.random() * 100);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawn('make', ['-s', 'demo'], { cwd: root, env: { ...process.env, SIM_PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    let state;
    for (let i = 0; i < 2400 && !state; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/_sim/state`);
        if (r.ok) state = await r.json();
      } catch { /* not up yet */ }
      if (!state) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(state, `simulator never answered; output:\n${out}`);
    assert.ok(state.kingdee && state.freemud && state.qimai);
    // Wait for the walkthrough to finish, then check it did real calls.
    for (let i = 0; i < 100 && !out.includes('Ctrl-C to stop'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /string signed: "POST\\n%2Fjdy%2Fv2%2Fls%2Fintegral_adjust/);
    assert.match(out, /\+10 \(促销赠送\) → \d+ points/);
  } finally {
    process.kill(-child.pid, 'SIGTERM');
  }
  await exited;
  await assert.rejects(fetch(`http://127.0.0.1:${port}/_sim/state`));
});
