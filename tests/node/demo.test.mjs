// `make demo` reaches a listening simulator: start it, poll it, stop it by its PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('make demo serves the simulator and stops on SIGTERM', { timeout: 300_000 }, async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // SIM_PORT=0: every server of the demo on a port the system picks (no fixed port in tests);
  // the simulator's comes from the demo's own output.
  const child = spawn('make', ['-s', 'demo'], { cwd: root, env: { ...process.env, SIM_PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let simUrl;
  try {
    let state;
    for (let i = 0; i < 2400 && !state; i++) {
      simUrl ??= out.match(/vendor simulator listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      try {
        if (simUrl) {
          const r = await fetch(`${simUrl}/_sim/state`);
          if (r.ok) state = await r.json();
        }
      } catch { /* not up yet */ }
      if (!state) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(state, `simulator never answered; output:\n${out}`);
    assert.ok(state.kingdee && state.freemud && state.qimai);
    // Wait for the walkthrough to finish, then check it did real calls.
    for (let i = 0; i < 100 && !out.includes('Ctrl-C to stop'); i++) await new Promise((r) => setTimeout(r, 100));
    // `make demo` says what it is doing while it builds (scripts/build-pkg.sh prints each step).
    assert.match(out, /make demo: building the package/);
    assert.match(out, /build \[\d+ s\] 1\/(\d+) cargo build/);
    const steps = out.match(/build \[\d+ s\] 1\/(\d+) /)?.[1];
    assert.match(out, new RegExp(`build \\[\\d+ s\\] ${steps}/${steps} `));
    assert.match(out, /string signed: "POST\\n%2Fjdy%2Fv2%2Fls%2Fintegral_adjust/);
    assert.match(out, /\+10 \(促销赠送\) → \d+ points/);
  } finally {
    process.kill(-child.pid, 'SIGTERM');
  }
  await exited;
  await assert.rejects(fetch(`${simUrl}/_sim/state`));
});
