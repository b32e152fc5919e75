// The admin page (www-demo/) driven in Debian's chromium with playwright-core,
// against the real gateway on workerd with the vendor simulator behind it.
// Screenshots of each state go to test-output/admin/<vendor>-<n>-<state>.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_TOKEN, FIXTURES, accounts, launchBrowser, shot, startStack } from './stack.mjs';

const VENDORS = (process.env.ADMIN_VENDORS ?? 'qimai,freemud,kingdee').split(',').filter(Boolean);
const fmt = (n) => new Intl.NumberFormat('zh-CN').format(n);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Every credential in sim/accounts.json that must never reach the page (test-only values). */
function secretsOf(vendor) {
  const a = accounts[vendor];
  const keys = { kingdee: ['clientSecret', 'appSecret'], freemud: ['privateKey', 'accessToken'], qimai: ['openKey'] }[vendor];
  return keys.map((k) => (k === 'privateKey' ? a[k].split('\n')[1] : a[k]));
}

for (const vendor of VENDORS) {
  describe(`admin page against the gateway (${vendor})`, { timeout: 240_000 }, () => {
    const fx = FIXTURES[vendor];
    let stack, browser, caps;
    const problems = []; // console errors and page errors, checked at the end

    before(async () => {
      stack = await startStack(vendor);
      browser = await launchBrowser();
      caps = (await stack.api('GET', '/api/capabilities')).body;
    });
    after(async () => {
      await browser?.close();
      await stack?.stop();
    });

    const earnReason = () => ['manual_grant', 'promotion', 'purchase', 'sign_in'].find((r) => caps.reasons?.[r]);
    const spendReason = () => ['manual_deduction', 'redemption', 'points_payment'].find((r) => caps.reasons?.[r]);
    const rows = async () => fx.rows(await stack.state());

    async function open({ width = 1100, height = 900, url } = {}) {
      const ctx = await browser.newContext({ viewport: { width, height } });
      await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.page.url });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // Expected: the gateway's error statuses (the page shows them in words), and
        // pkg/browser.js missing (the page falls back to the wasm-bindgen glue).
        const from = m.location().url;
        if (m.type() === 'error' && !from.startsWith(stack.gateway.url) && !from.endsWith('/pkg/browser.js')) problems.push(`console: ${m.text()} (${from})`);
      });
      await page.goto(url ?? stack.pageUrl());
      await page.waitForSelector('#conn.ok');
      return page;
    }
    /** Looks the fixture member up the way a person would for this vendor (mobile; Kingdee: id + card id). */
    async function lookup(page, q = fx.cardId ? fx.id : fx.mobile) {
      await page.fill('#lookup-q', q);
      if (fx.cardId) await page.fill('#lookup-card', fx.cardId);
      await page.press('#lookup-q', 'Enter');
      await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
    }
    async function review(page, delta, reason) {
      await page.fill('#adj-delta', String(delta));
      await page.selectOption('#adj-reason', reason);
      await page.click('#adj-review');
      await page.waitForSelector('#confirm[open]');
    }
    const outcome = (page) => page.waitForSelector('#adj-result[data-outcome]').then(() => page.getAttribute('#adj-result', 'data-outcome'));
    const resetOutcome = (page) => page.evaluate(() => { delete document.querySelector('#adj-result').dataset.outcome; });
    /** Retries the frozen submission: the confirmation names the same key, and the outcome is applied. */
    const retrySameKey = async (page, key) => {
      await page.click('#adj-review');
      await page.waitForSelector('#confirm[open]');
      // The dialog says it is the same change, without showing the key (it is kept: #adj-key, developer tools).
      assert.match(await page.textContent('#c-note'), /系统能识别这是同一笔，不会重复入账/);
      assert.doesNotMatch(await page.locator('#confirm').innerText(), new RegExp(key));
      assert.equal(await page.textContent('#adj-key'), key);
      await page.click('#confirm-ok');
      assert.equal(await outcome(page), 'applied');
    };

    test('the fragment settings connect, and leave the address bar', async () => {
      const page = await open();
      assert.equal(new URL(page.url()).hash, '', 'the token is not left in the URL');
      // The header names the vendor's system (no store name is configured here) and who is signed in.
      const names = { kingdee: '金蝶精斗云', freemud: '非码', qimai: '企迈' };
      assert.match(await page.textContent('#store-name'), new RegExp(names[vendor]));
      assert.match(await page.textContent('#conn'), /admin · 店长（管理员）/);
      const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('jifen-admin-settings')));
      assert.equal(stored.token, ADMIN_TOKEN);
      await page.context().close();
    });

    test('looks a member up (by mobile; Kingdee: id + card id): the card and the balance', async () => {
      const page = await open();
      await lookup(page);
      assert.equal((await page.textContent('#m-name')).includes(fx.name), true);
      assert.equal(await page.textContent('#m-mobile'), fx.mobile);
      assert.equal(await page.textContent('#m-id'), fx.id);
      assert.equal(await page.textContent('#m-points'), fmt(fx.balance));
      assert.equal(await page.textContent('#b-available'), fmt(fx.balance));
      await shot(page, `${vendor}-1-member`);
      await page.context().close();
    });

    test('reads the ledger newest first, pages lazily on scroll, filters by date, draws the balance', async () => {
      // Twelve more entries, so the ledger has more than one page of 10.
      for (let i = 0; i < 12; i++) {
        const r = await stack.api('POST', '/api/adjust', { member: `id:${fx.id},mobile:${fx.mobile}`, delta: i + 1, reason: earnReason() },
          { 'idempotency-key': `ledger-seed-${vendor}-${i}` });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const total = (await rows()).length;
      const page = await open({ height: 700 });
      await lookup(page);
      const first = await page.$$eval('#ledger-body tr', (trs) => trs.length);
      assert.ok(first >= 10 && first < total, `first page: ${first} of ${total}`);
      // The chart plots the whole range, not only the page the table has loaded.
      const dots = await page.$$eval('#chart svg .dot', (d) => d.length);
      assert.equal(dots, total, `the chart has ${dots} points for ${total} rows`);
      await page.locator('#ledger-sentinel').scrollIntoViewIfNeeded();
      await page.waitForFunction((n) => document.querySelectorAll('#ledger-body tr').length === n, total);
      const cells = await page.$$eval('#ledger-body tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      const times = cells.map((c) => c[0]);
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
      assert.equal(cells[0][1], '+12');
      assert.equal(cells[0][2], fmt(fx.balance + 78));
      assert.ok(await page.isVisible('#chart svg path.line'));
      assert.match(await page.textContent('#chart-cap'), new RegExp(fmt(fx.balance + 78)));
      assert.match(await page.textContent('#ledger-status'), /全部/);
      await shot(page, `${vendor}-2-ledger`);
      // A date range that holds only the seeded (older) rows.
      const seeded = (await rows()).length - 12;
      await page.fill('#led-from', '2020-01-01');
      await page.fill('#led-to', '2025-12-31');
      await page.click('#ledger-filter button[type="submit"]');
      await page.waitForFunction((n) => document.querySelectorAll('#ledger-body tr').length === n
        && /全部/.test(document.querySelector('#ledger-status').textContent), seeded);
      const filtered = await page.$$eval('#ledger-body tr td:first-child', (tds) => tds.map((td) => td.textContent));
      assert.ok(filtered.every((t) => t < '2026'), filtered.join());
      await shot(page, `${vendor}-3-ledger-filtered`);
      await page.context().close();
    });

    test('adjusts points: confirmation with the resulting balance, new balance without a reload', async () => {
      const page = await open();
      await lookup(page);
      const now = Number((await page.textContent('#b-available')).replace(/,/g, ''));
      const before = (await rows()).length;
      await page.evaluate(() => { window.__sameDocument = true; });
      const key = await page.textContent('#adj-key');
      if (await page.isVisible('#adj-order')) await page.fill('#adj-order', `ORDER-${vendor}-1`);
      if (await page.isVisible('#adj-remark')) await page.fill('#adj-remark', '测试 test');
      // Cancel first: nothing is sent, the key stays.
      await review(page, 50, earnReason());
      await page.click('#confirm-cancel');
      await page.waitForFunction(() => !document.querySelector('#confirm').open);
      assert.equal(await page.textContent('#adj-key'), key);
      await page.click('#adj-review');
      await page.waitForSelector('#confirm[open]');
      assert.match(await page.textContent('#c-member'), new RegExp(fx.name));
      assert.equal(await page.textContent('#c-delta'), '+50');
      assert.equal(await page.textContent('#c-after'), `${fmt(now)} → ${fmt(now + 50)}`);
      await shot(page, `${vendor}-4-confirm`);
      await page.click('#confirm-ok');
      assert.equal(await outcome(page), 'applied');
      await page.waitForFunction((v) => document.querySelector('#m-points').textContent === v, fmt(now + 50));
      assert.equal(await page.textContent('#b-available'), fmt(now + 50));
      assert.match(await page.textContent('#adj-result'), new RegExp(fmt(now + 50)));
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
      assert.notEqual(await page.textContent('#adj-key'), key, 'a new key after a definite result');
      await page.waitForFunction(() => document.querySelector('#ledger-body tr td:nth-child(2)')?.textContent === '+50');
      assert.equal((await rows()).length, before + 1);
      await shot(page, `${vendor}-5-adjusted`);
      await page.context().close();
    });

    test('a double-submitted adjustment applies once (checked in the simulator state)', async () => {
      const page = await open();
      await lookup(page);
      const before = await rows();
      const posts = [];
      page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/adjust')) posts.push(r.headers()['idempotency-key']); });
      await review(page, 7, earnReason());
      await page.dblclick('#confirm-ok');
      assert.equal(await outcome(page), 'applied');
      // Enter held on the focused button: the same guard.
      await resetOutcome(page);
      await review(page, 8, earnReason());
      await page.focus('#confirm-ok');
      await Promise.all([page.keyboard.press('Enter'), page.keyboard.press('Enter'), page.keyboard.press('Enter')]);
      assert.equal(await outcome(page), 'applied');
      await sleep(300);
      const added = (await rows()).slice(0, (await rows()).length - before.length);
      assert.equal(added.length, 2, `exactly two new rows (one per submission), got ${added.length}`);
      assert.equal(posts.length, 2, `the page sent one request per submission, not ${posts.length}`);
      assert.notEqual(posts[0], posts[1], 'each submission had its own key');
      await page.context().close();
    });

    test('a lost reply keeps the idempotency key; the retry applies once (or warns where the vendor cannot dedupe)', async () => {
      const page = await open();
      await lookup(page);
      const before = (await rows()).length;
      const key = await page.textContent('#adj-key');
      // The vendor applies every attempt's write and drops the reply, until the fault is cleared.
      await stack.fault({ vendor, kind: 'apply_no_reply', times: 20 });
      await review(page, 11, earnReason());
      await page.click('#confirm-ok');
      assert.equal(await outcome(page), 'unknown');
      await stack.clearFaults();
      assert.match(await page.textContent('#adj-result .what'), /不确定|连不上|没有及时回应|Check the ledger|could not be reached/);
      assert.equal(await page.textContent('#adj-key'), key, 'the key is kept after an unknown outcome');
      assert.equal(await page.isDisabled('#adj-delta'), true, 'the submission is frozen for its retry');
      await shot(page, `${vendor}-11-outcome-unknown`);
      const applied = (await rows()).length - before;
      assert.ok(applied <= 1, `the gateway's own retries applied ${applied} times`);
      await resetOutcome(page);
      if (caps.operations?.adjustPoints?.idempotent !== false) {
        await retrySameKey(page, key);
        const now = await rows();
        assert.equal(now.length, before + 1, 'applied exactly once across the lost reply and the retry');
        assert.notEqual(await page.textContent('#adj-key'), key, 'a new key after the definite result');
      } else {
        assert.equal(await page.isVisible('#adj-review'), false, 'no blind retry where the vendor cannot dedupe');
        assert.match(await page.textContent('#adj-result .next'), /不识别重复请求/);
        await page.click('#adj-new');
        assert.notEqual(await page.textContent('#adj-key'), key);
        assert.equal(await page.isDisabled('#adj-delta'), false);
      }
      await page.context().close();
    });

    test('a held key (409 conflict) keeps the key and offers the retry, on every vendor; the retry applies once', async () => {
      const page = await open();
      await lookup(page);
      const before = (await rows()).length;
      const key = await page.textContent('#adj-key');
      // Another tab or isolate holds this key: the gateway answers 409 conflict once (nothing sent).
      let held = 0;
      await page.route(`${stack.gateway.url}/api/adjust`, async (route) => {
        if (route.request().method() !== 'POST' || held > 0) return route.fallback();
        held += 1;
        await route.fulfill({
          status: 409,
          headers: { 'content-type': 'application/json', 'access-control-allow-origin': new URL(stack.page.url).origin },
          body: JSON.stringify({ error: { code: 'conflict', message: 'an adjustment with this idempotencyKey is in flight', vendor, retryable: true } }),
        });
      });
      await review(page, 12, earnReason());
      await page.click('#confirm-ok');
      assert.equal(await outcome(page), 'unknown');
      assert.equal(held, 1);
      assert.match(await page.textContent('#adj-result .what'), /正在处理中/);
      assert.equal(await page.textContent('#adj-key'), key, 'the key is kept after a conflict');
      assert.equal(await page.isVisible('#adj-review'), true, 'retrying a held key is safe on every vendor');
      assert.match(await page.textContent('#adj-result .next'), /系统能识别这是同一笔/);
      assert.equal((await rows()).length, before, 'nothing reached the vendor');
      await resetOutcome(page);
      await retrySameKey(page, key);
      assert.equal((await rows()).length, before + 1, 'applied exactly once');
      await page.context().close();
    });

    test('a reload while an adjustment is in flight keeps its key: the same submission comes back frozen, and applies once', async () => {
      const page = await open();
      await lookup(page);
      const before = (await rows()).length;
      const key = await page.textContent('#adj-key');
      // The gateway applies the change; its reply never reaches this page, which is reloaded meanwhile.
      let reached;
      let held = false;
      const applied = new Promise((r) => { reached = r; });
      await page.route(`${stack.gateway.url}/api/adjust`, async (route) => {
        if (route.request().method() !== 'POST' || held) return route.fallback();
        held = true;
        const res = await route.fetch();
        reached(res.status());
        // Never fulfilled: the page is reloaded first.
      });
      await review(page, 13, earnReason());
      await page.click('#confirm-ok');
      assert.equal(await applied, 200, 'the gateway applied it');
      await page.reload();
      await page.waitForSelector('#conn.ok');
      await lookup(page);
      assert.equal((await rows()).length, before + 1, 'applied once so far');
      assert.equal(await page.textContent('#adj-key'), key, 'the key of the submission whose reply was lost is back');
      assert.equal(await page.inputValue('#adj-delta'), '13');
      assert.equal(await page.isDisabled('#adj-delta'), true, 'the submission is frozen for its retry');
      assert.equal(await page.getAttribute('#adj-result', 'data-outcome'), 'unknown');
      await shot(page, `${vendor}-12-pending-after-reload`);
      if (caps.operations?.adjustPoints?.idempotent !== false) {
        await resetOutcome(page);
        await retrySameKey(page, key);
        assert.equal((await rows()).length, before + 1, 'the retry applied nothing more');
      } else {
        assert.equal(await page.isVisible('#adj-review'), false, 'no blind retry where the vendor cannot dedupe');
        await page.click('#adj-new');
      }
      assert.notEqual(await page.textContent('#adj-key'), key, 'a new key once the outcome is settled');
      // Settled: another reload does not bring it back.
      await page.reload();
      await page.waitForSelector('#conn.ok');
      await lookup(page);
      assert.notEqual(await page.textContent('#adj-key'), key);
      assert.equal(await page.isDisabled('#adj-delta'), false);
      await page.context().close();
    });

    test('a vendor error is shown in words, with the vendor code and request id below', async () => {
      const page = await open();
      await lookup(page);
      // The page refuses a deduction above the balance it shows; the points were spent elsewhere
      // meanwhile (another till), so the page's figure is stale and the vendor refuses.
      const shown = Number((await page.textContent('#b-available')).replace(/,/g, ''));
      const spent = await stack.api('POST', '/api/adjust', { member: `id:${fx.id},mobile:${fx.mobile}`, delta: -(shown - 1), reason: spendReason() },
        { 'idempotency-key': `spent-elsewhere-${vendor}` });
      assert.equal(spent.status, 200, JSON.stringify(spent.body));
      const before = (await rows()).length;
      await review(page, -2, spendReason());
      await page.click('#confirm-ok');
      assert.equal(await outcome(page), 'refused');
      const back = await stack.api('POST', '/api/adjust', { member: `id:${fx.id},mobile:${fx.mobile}`, delta: shown - 1, reason: earnReason() },
        { 'idempotency-key': `spent-elsewhere-back-${vendor}` });
      assert.equal(back.status, 200, JSON.stringify(back.body));
      const text = await page.textContent('#adj-result .what');
      assert.match(text, /积分不足/);
      assert.match(text, /Not enough points/);
      const ids = await page.textContent('#adj-result .ids');
      assert.match(ids, /供应商代码 Vendor code: \S+/);
      assert.match(ids, /错误类型 Code: vendor/);
      // The request id, wherever the vendor gives one (the same refusal, asked directly).
      const direct = await stack.api('POST', '/api/adjust', { member: `id:${fx.id},mobile:${fx.mobile}`, delta: -1_000_000, reason: spendReason() },
        { 'idempotency-key': `direct-refusal-${vendor}` });
      assert.equal(direct.body.error?.code, 'vendor');
      if (direct.body.error.requestId) assert.match(ids, /请求号 Request id: \S+/);
      assert.equal((await rows()).length, before + 1, 'nothing applied but the points given back');
      await shot(page, `${vendor}-6-vendor-error`);
      // A rate limit on a read, in words.
      await stack.fault({ vendor, kind: 'rate_limit', retryAfter: 3, times: 10 });
      await page.click('#lookup-btn');
      await page.waitForSelector('#error:not([hidden])');
      assert.match(await page.textContent('#error .what'), /操作太频繁/);
      await stack.clearFaults();
      await shot(page, `${vendor}-7-rate-limited`);
      await page.context().close();
    });

    test('a wrong admin token is explained and opens the settings', async () => {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(stack.pageUrl({ token: 'not-the-admin-token' }));
      await page.waitForSelector('#conn.bad');
      assert.match(await page.textContent('#error .what'), /员工口令不正确/);
      assert.equal(await page.getAttribute('#settings', 'open'), '');
      await shot(page, `${vendor}-8-bad-token`);
      // Fixed in the settings panel, kept in this tab's sessionStorage.
      await page.fill('#set-token', ADMIN_TOKEN);
      await page.click('#settings-form button[type="submit"]');
      await page.waitForSelector('#conn.ok');
      assert.equal(await page.isHidden('#error'), true);
      await page.reload();
      await page.waitForSelector('#conn.ok');
      await ctx.close();
    });

    for (const mode of ['gateway', 'local']) {
      test(`the inspector shows the signed request (${mode === 'local' ? 'signed in the page by wasm' : 'gateway preview'}), secrets masked, copy as curl`, async () => {
        const page = await open();
        await lookup(page);
        await page.check('#dev-switch'); // the developer tools: an admin's, behind a switch
        await page.selectOption('#insp-mode', mode);
        await page.fill('#adj-delta', '5');
        await page.selectOption('#adj-reason', earnReason());
        await page.click('[data-inspect="adjustPoints"]');
        await page.waitForSelector('#insp-out:not([hidden])');
        const line = await page.textContent('#insp-line');
        assert.match(line, new RegExp(`^POST ${stack.sim.url}/${vendor}/`));
        assert.ok((await page.$$('#insp-headers tr')).length > 0);
        assert.ok((await page.textContent('#insp-sts')).length > 5);
        assert.match(await page.textContent('#insp-source'), mode === 'local' ? /wasm/ : /网关/);
        if (mode === 'local') {
          // Signed with jifen/sign (its own, smaller wasm), not the full package.
          const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
          assert.ok(loaded.includes('/pkg/sign/jifen_wasm_bg.wasm'), `jifen/sign's wasm was not loaded: ${loaded}`);
          assert.ok(!loaded.includes('/pkg/jifen_wasm_bg.wasm'), 'the page loaded the full package\'s wasm');
        }
        const text = await page.evaluate(() => document.body.innerText);
        for (const s of secretsOf(vendor)) assert.ok(!text.includes(s), 'a vendor secret reached the page');
        await page.click('#insp-copy');
        await page.waitForFunction(() => document.querySelector('#insp-copied').textContent.length > 0);
        const curl = await page.evaluate(() => navigator.clipboard.readText());
        assert.match(curl, new RegExp(`^curl -X POST '${stack.sim.url}/${vendor}/`));
        assert.ok(curl.includes(' -H '));
        for (const s of secretsOf(vendor)) assert.ok(!curl.includes(s));
        await shot(page, `${vendor}-9-inspector-${mode}`);
        // Every action has one.
        for (const op of ['getMember', 'getBalance', 'ledgerPage']) {
          await page.click(`[data-inspect="${op}"]`);
          await page.waitForFunction((o) => document.querySelector('#insp-source').textContent.includes(o), op);
          assert.match(await page.textContent('#insp-line'), new RegExp(`^(GET|POST) ${stack.sim.url}/${vendor}/`));
        }
        await page.context().close();
      });
    }

    test('keyboard only, at phone width', async () => {
      const page = await open({ width: 375, height: 800 });
      for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.id === 'lookup-q')); i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'lookup-q');
      await page.keyboard.type(fx.cardId ? fx.id : fx.mobile);
      if (fx.cardId) {
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'lookup-card');
        await page.keyboard.type(fx.cardId);
      }
      await page.keyboard.press('Enter');
      await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
      // Into the adjust form and through the confirmation with keys alone.
      await page.focus('#adj-delta');
      await page.keyboard.type('3');
      // The type of change is chosen deliberately (nothing preselected): with the arrow keys.
      await page.keyboard.press('Tab');
      for (let i = 0; i < 20 && (await page.inputValue('#adj-reason')) !== earnReason(); i++) await page.keyboard.press('ArrowDown');
      assert.equal(await page.inputValue('#adj-reason'), earnReason());
      await page.focus('#adj-delta');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#confirm[open]');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-cancel', 'the safe choice has focus');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('#confirm').open);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `no sideways scrolling at phone width (${width}px)`);
      const unlabeled = await page.$$eval('input, select', (els) => els.filter((e) => !e.labels?.length).map((e) => e.id));
      assert.deepEqual(unlabeled, [], 'every field has a label');
      await shot(page, `${vendor}-10-phone`);
      await page.context().close();
    });

    test('no console or page errors', () => {
      assert.deepEqual(problems, []);
    });
  });
}
