// The admin page takes its settings from the URL fragment (`#gateway=…&token=…`, what
// `make demo` opens). A link that names another gateway but no token must not send the
// admin token the tab already holds (sessionStorage lives on across navigations in a tab)
// to that gateway: a page that opened the admin page (window.open) may navigate it there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { ADMIN_TOKEN, launchBrowser, startStack } from './stack.mjs';

let stack, browser, evil;
const seen = []; // every request the other "gateway" received: { method, url, authorization }

before(async () => {
  stack = await startStack('qimai');
  browser = await launchBrowser();
  evil = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization ?? null });
    // As permissive as an attacker's server would be, so the browser does send the header.
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-headers': 'authorization, content-type, idempotency-key',
      'access-control-allow-methods': 'GET, POST',
      'content-type': 'application/json',
    });
    res.end(req.method === 'OPTIONS' ? undefined : JSON.stringify({ vendor: 'qimai', operations: {}, reasons: {} }));
  });
  await new Promise((r) => evil.listen(0, '127.0.0.1', r));
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (evil ? evil.close(r) : r()));
  await stack?.stop();
});

test('a link naming another gateway does not take the stored admin token there', async () => {
  const evilUrl = `http://127.0.0.1:${evil.address().port}`;
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(stack.pageUrl());
  await page.waitForSelector('#conn.ok');
  // The same tab, navigated to the page again with only a gateway in the fragment.
  await page.goto(`${stack.page.url}/?from=elsewhere#gateway=${encodeURIComponent(evilUrl)}`);
  await page.waitForSelector('#conn.ok, #conn.bad');
  await page.waitForTimeout(300);
  const leaked = seen.filter((r) => (r.authorization ?? '').includes(ADMIN_TOKEN));
  assert.deepEqual(leaked, [], `the admin token went to ${evilUrl}`);
  // The settings ask for a token for the new gateway instead.
  assert.equal(await page.inputValue('#set-token'), '');
  assert.equal(await page.inputValue('#set-gateway'), evilUrl);
  // A link with both a gateway and a token (make demo's) still sets both.
  await page.goto(stack.pageUrl());
  await page.waitForSelector('#conn.ok');
  assert.equal(await page.inputValue('#set-token'), ADMIN_TOKEN);
  // And a link repeating the current gateway keeps the token.
  await page.goto(`${stack.page.url}/?again#gateway=${encodeURIComponent(stack.gateway.url)}`);
  await page.waitForSelector('#conn.ok');
  await ctx.close();
});
