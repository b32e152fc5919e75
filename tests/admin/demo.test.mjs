// `make demo`'s admin page: the demo serves it, prints its URL with the
// gateway and token in the fragment, and the page works from that URL alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ROOT, launchBrowser, shot } from './stack.mjs';

test('the demo prints the admin page URL, and the page looks a member up through its gateway', { timeout: 180_000 }, async () => {
  const child = spawn(process.execPath, ['examples/demo.mjs'], {
    cwd: ROOT, env: { ...process.env, SIM_PORT: '0', DEMO_VENDOR: 'qimai' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  let browser;
  try {
    for (let i = 0; i < 900 && !out.includes('Ctrl-C to stop'); i++) await new Promise((r) => setTimeout(r, 100));
    const url = /admin page 积分管理: open (http:\/\/127\.0\.0\.1:\d+\/#gateway=\S+)/.exec(out)?.[1];
    assert.ok(url, `no admin page line in the demo output:\n${out}`);
    browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForSelector('#conn.ok');
    assert.match(await page.textContent('#store-name'), /演示店/); // the demo's STORE_NAME
    assert.match(await page.textContent('#conn'), /admin · 店长（管理员）/);
    await page.fill('#lookup-q', '13700137000');
    await page.press('#lookup-q', 'Enter');
    await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
    assert.equal(await page.textContent('#m-name'), '陈一');
    assert.equal(await page.textContent('#b-available'), '1,000');
    await page.waitForSelector('#ledger-body tr');
    await shot(page, 'demo-qimai');
  } finally {
    await browser?.close();
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, out);
});
