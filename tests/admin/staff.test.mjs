// The admin page as store staff use it, per vendor and per role, in Debian's chromium against the
// gateway on workerd and the simulator: a viewer cannot adjust, an operator's limit, the audit
// trail behind the ledger's operator column, keyboard-only use, a phone's width, the language
// switch, the developer tools (admins only), and axe-core with no serious violation on each screen.
// Screenshots of every step: test-output/admin/staff-<vendor>-<n>-<step>.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { FIXTURES, launchBrowser, shot, startStack } from './stack.mjs';

const VENDORS = (process.env.ADMIN_VENDORS ?? 'qimai,freemud,kingdee').split(',').filter(Boolean);
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Made up for these tests; guard nothing. */
const OPERATOR = { id: 'wang', name: '王芳', role: 'operator', limit: 500, token: 'admin-page-test-operator-wang-not-secret' };
const VIEWER = { id: 'li', name: '李雷', role: 'viewer', token: 'admin-page-test-viewer-li-not-a-secret-0' };

/** Runs axe-core on the page; fails on any serious or critical violation. */
async function assertAccessible(page, where) {
  // Evaluated over the DevTools protocol: the page's CSP (no inline script) does not apply.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `axe: serious violations on ${where}: ${JSON.stringify(bad)}`);
}

for (const vendor of VENDORS) {
  describe(`the admin page per role (${vendor})`, { timeout: 300_000 }, () => {
    const fx = FIXTURES[vendor];
    let stack, browser, caps;
    const problems = [];
    let n = 0;
    const step = (page, name) => shot(page, `staff-${vendor}-${String(++n).padStart(2, '0')}-${name}`);

    before(async () => {
      stack = await startStack(vendor, { staff: [OPERATOR, VIEWER], bindings: { STORE_NAME: '静安寺店', CONFIRM_ABOVE: '100' } });
      browser = await launchBrowser();
      caps = (await stack.api('GET', '/api/capabilities')).body;
    });
    after(async () => {
      await browser?.close();
      await stack?.stop();
    });

    const earnReason = () => ['manual_grant', 'promotion', 'purchase', 'sign_in'].find((r) => caps.reasons?.[r]);
    const rows = async () => fx.rows(await stack.state());

    async function open(token, { width = 1100, height = 900 } = {}) {
      const ctx = await browser.newContext({ viewport: { width, height } });
      const page = await ctx.newPage();
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        const from = m.location().url;
        if (m.type() === 'error' && !from.startsWith(stack.gateway.url) && !from.endsWith('/pkg/browser.js')) problems.push(`console: ${m.text()} (${from})`);
      });
      await page.goto(stack.pageUrl({ token, simInPage: false }));
      await page.waitForSelector('#conn.ok');
      return page;
    }
    async function lookup(page) {
      await page.fill('#lookup-q', fx.cardId ? fx.id : fx.mobile);
      if (fx.cardId) await page.fill('#lookup-card', fx.cardId);
      await page.press('#lookup-q', 'Enter');
      await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
    }
    const visibleText = (page, sel) => page.locator(sel).innerText();

    test('a viewer: reads, has no adjust button, and the gateway refuses an adjust (403)', async () => {
      const page = await open(VIEWER.token);
      assert.match(await visibleText(page, '#conn-text'), /李雷 · 查看员/);
      assert.match(await visibleText(page, 'h1'), /静安寺店/);
      await lookup(page);
      assert.equal(await page.isVisible('#adj-review'), false, 'no adjust button');
      assert.equal(await page.isVisible('#adjust-card'), false);
      assert.equal(await page.isVisible('[data-inspect]'), false, 'no developer tools');
      assert.equal(await page.isVisible('#audit-card'), false);
      assert.equal(await page.isVisible('#b-available'), true);
      // Points about to expire, where the vendor says (Qimai).
      if (vendor === 'qimai') assert.match(await visibleText(page, '#m-expiring'), /^100 · 2025-12-31/);
      else assert.equal(await page.isVisible('#m-expiring'), false);
      const r = await fetch(`${stack.gateway.url}/api/adjust`, {
        method: 'POST',
        headers: { authorization: `Bearer ${VIEWER.token}`, 'content-type': 'application/json', 'idempotency-key': `viewer-${vendor}` },
        body: JSON.stringify({ member: `id:${fx.id},mobile:${fx.mobile}`, delta: 1, reason: earnReason() }),
      });
      assert.equal(r.status, 403);
      assert.equal((await r.json()).error.code, 'forbidden');
      await step(page, 'viewer');
      await assertAccessible(page, 'the viewer page');
      await page.context().close();
    });

    test('an operator above their limit is refused with a sentence (page and gateway); nothing is sent', async () => {
      const page = await open(OPERATOR.token);
      assert.match(await visibleText(page, '#conn-text'), /王芳 · 操作员/);
      await lookup(page);
      assert.match(await visibleText(page, '#adj-delta-help'), /每次最多 500 积分/);
      const before = (await rows()).length;
      await page.fill('#adj-delta', '800');
      await page.selectOption('#adj-reason', earnReason());
      await page.click('#adj-review');
      assert.match(await visibleText(page, '#adj-result'), /超出了你的单笔调整上限（500 积分），请让店长（管理员）来做。/);
      assert.equal(await page.isVisible('#confirm'), false);
      await step(page, 'operator-over-limit');
      // Past the page (a hand-made request), the gateway refuses with the same limit.
      const r = await fetch(`${stack.gateway.url}/api/adjust`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR.token}`, 'content-type': 'application/json', 'idempotency-key': `over-${vendor}` },
        body: JSON.stringify({ member: `id:${fx.id},mobile:${fx.mobile}`, delta: 800, reason: earnReason() }),
      });
      const body = await r.json();
      assert.equal(r.status, 403);
      assert.equal(body.error.code, 'over_limit');
      assert.equal(body.error.limit, 500);
      assert.equal((await rows()).length, before, 'nothing applied');
      await page.context().close();
    });

    test('no reason is preselected; the types are the vendor\'s own words', async () => {
      const page = await open(OPERATOR.token);
      await lookup(page);
      assert.equal(await page.inputValue('#adj-reason'), '', 'nothing chosen until the person chooses');
      const labels = await page.$$eval('#adj-reason option', (os) => os.filter((o) => o.value).map((o) => [o.value, o.textContent]));
      for (const [id, label] of labels) assert.ok(label.startsWith(caps.reasons[id].name), `${id}: ${label}`);
      assert.ok(labels.length > 0);
      if (vendor === 'kingdee') {
        // Every one of integral_adjust's eleven 调整类型 (the open.jdy.com list), once each, in Kingdee's words.
        const KINGDEE_TYPES = ['积分消费', '积分抵现', '积分兑换', '充值赠送', '促销赠送', '打卡赠送', '到期清零', '退款', '购买积分', '积分购买退款', '会员签到赠送'];
        assert.equal(labels.length, 11, labels.join());
        assert.deepEqual(labels.map(([id]) => Number(caps.reasons[id].code)).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        for (const [id, label] of labels) assert.equal(label, KINGDEE_TYPES[caps.reasons[id].code - 1], id);
      }
      await page.fill('#adj-delta', '5');
      await page.click('#adj-review');
      assert.match(await visibleText(page, '#adj-result'), /请选择调整类型/);
      await page.context().close();
    });

    test('the reasons and fields offered are the gateway\'s capabilities(): one it adds shows under its id, one it drops is gone', async () => {
      const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await ctx.newPage();
      const dropped = Object.keys(caps.reasons).find((r) => caps.reasons[r]);
      const hadOrder = caps.operations.adjustPoints.accepts.includes('orderId');
      // The gateway of a later jifen: a reason this page has no label for, one reason fewer, and
      // the order id field the other way round.
      await page.route('**/api/capabilities', async (route) => {
        const res = await route.fetch();
        const body = await res.json();
        body.reasons.gift_card = { code: '99', name: '礼品卡' };
        body.reasonSigns.gift_card = 'spend';
        body.reasons[dropped] = null;
        const accepts = body.operations.adjustPoints.accepts.filter((f) => f !== 'orderId');
        body.operations.adjustPoints.accepts = hadOrder ? accepts : [...accepts, 'orderId'];
        await route.fulfill({ response: res, json: body });
      });
      await page.goto(stack.pageUrl({ token: OPERATOR.token, simInPage: false }));
      await page.waitForSelector('#conn.ok');
      await lookup(page);
      const options = await page.$$eval('#adj-reason option', (os) => os.filter((o) => o.value).map((o) => [o.value, o.textContent, o.parentElement.dataset.en]));
      const want = Object.keys(caps.reasons).filter((r) => caps.reasons[r] && r !== dropped).concat('gift_card');
      assert.deepEqual(options.map(([id]) => id).sort(), want.sort());
      const gift = options.find(([id]) => id === 'gift_card');
      assert.equal(gift[1], '礼品卡（gift_card）', 'the vendor\'s name and the id');
      assert.equal(gift[2], 'Spending', 'grouped by its sign');
      assert.equal(await page.isVisible('#adj-order'), !hadOrder, 'the order id field follows accepts');
      assert.equal(await page.isVisible('#adj-remark'), true, 'the remark is always taken (the audit trail keeps it)');
      await page.fill('#adj-delta', '5');
      await page.selectOption('#adj-reason', 'gift_card');
      await page.click('#adj-review');
      assert.match(await visibleText(page, '#adj-result'), /只能扣减积分/, 'its sign checked: a spending reason with a positive delta');
      await ctx.close();
    });

    test('an operator\'s change: a second confirmation above the threshold, 取消 disabled while sending, the balance refreshed, the trail and the ledger name the operator', async () => {
      const page = await open(OPERATOR.token);
      await lookup(page);
      const before = Number((await page.textContent('#b-available')).replace(/,/g, ''));
      await page.fill('#adj-delta', '120');
      await page.selectOption('#adj-reason', earnReason());
      const remark = '生日补偿'; // Kingdee keeps none: the trail does
      await page.fill('#adj-remark', remark);
      await page.click('#adj-review');
      await page.waitForSelector('#confirm[open]');
      assert.equal(await page.isVisible('#c-big'), true, 'above CONFIRM_ABOVE: asked twice');
      assert.equal(await page.isDisabled('#confirm-ok'), true);
      assert.doesNotMatch(await visibleText(page, '#confirm'), /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no idempotency key in the dialog');
      await step(page, 'confirm-large');
      await page.check('#c-big-check');
      // The vendor is slow: while the change is on its way, 取消 cannot be pressed.
      await stack.fault({ vendor, kind: 'latency', ms: 1500 });
      await page.click('#confirm-ok');
      await page.waitForFunction(() => document.querySelector('#confirm-cancel').disabled);
      await step(page, 'sending');
      await page.keyboard.press('Escape');
      assert.equal(await page.isVisible('#confirm'), true, 'Escape does not close it while sending');
      await page.waitForSelector('#adj-result[data-outcome="applied"]');
      await stack.clearFaults();
      const after = Number((await page.textContent('#b-available')).replace(/,/g, ''));
      assert.equal(after, before + 120, 'the balance card was re-read after the change');
      // The trail of this member: the operator and the outcome.
      const trail = await visibleText(page, '#audit-body');
      assert.match(trail, /王芳/);
      assert.match(trail, /\+120/);
      assert.match(trail, /已生效/);
      // The ledger: the row of this change names the operator (from the trail) and the remark.
      const first = page.locator('#ledger-body tr').first();
      assert.match(await first.innerText(), /\+120/);
      assert.match(await first.innerText(), /王芳/);
      assert.match(await first.innerText(), /生日补偿/);
      // The form starts over: nothing carried to the next change.
      assert.equal(await page.inputValue('#adj-delta'), '');
      assert.equal(await page.inputValue('#adj-reason'), '');
      await step(page, 'applied-ledger-operator');
      await assertAccessible(page, 'the operator page after a change');
      const trailApi = await fetch(`${stack.gateway.url}/api/audit`, { headers: { authorization: `Bearer ${OPERATOR.token}` } }).then((r) => r.json());
      assert.ok(trailApi.entries.some((e) => e.operator === '王芳' && e.delta === 120 && e.outcome === 'applied'));
      await page.context().close();
    });

    test('keyboard only: find the member, choose the type, confirm', async () => {
      const page = await open(OPERATOR.token);
      const before = (await rows()).length;
      for (let i = 0; i < 25 && !(await page.evaluate(() => document.activeElement?.id === 'lookup-q')); i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'lookup-q');
      await page.keyboard.type(fx.cardId ? fx.id : fx.mobile);
      if (fx.cardId) {
        await page.keyboard.press('Tab');
        await page.keyboard.type(fx.cardId);
      }
      await page.keyboard.press('Enter');
      await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
      for (let i = 0; i < 25 && !(await page.evaluate(() => document.activeElement?.id === 'adj-delta')); i++) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'adj-delta');
      await page.keyboard.type('4');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'adj-reason');
      const target = earnReason();
      for (let i = 0; i < 20 && (await page.inputValue('#adj-reason')) !== target; i++) await page.keyboard.press('ArrowDown');
      assert.equal(await page.inputValue('#adj-reason'), target);
      await page.focus('#adj-delta'); // back to a text field: Enter submits the form
      await page.keyboard.press('Enter');
      await page.waitForSelector('#confirm[open]');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-cancel', 'the safe choice has focus');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'confirm-ok');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#adj-result[data-outcome="applied"]');
      assert.equal((await rows()).length, before + 1, 'applied once');
      await step(page, 'keyboard');
      await page.context().close();
    });

    test('phone width (390×844): nothing wider than the screen, the chart readable with a tooltip', async () => {
      const page = await open(OPERATOR.token, { width: 390, height: 844 });
      await lookup(page);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling at phone width (${width}px)`);
      const fontPx = await page.$eval('#chart svg text', (el) => el.getBoundingClientRect().height);
      assert.ok(fontPx >= 10, `chart text is ${fontPx}px high on a phone`);
      await page.locator('#chart svg').scrollIntoViewIfNeeded();
      const box = await page.locator('#chart svg').boundingBox();
      await page.mouse.click(box.x + box.width - 20, box.y + box.height / 2);
      await page.waitForSelector('#chart-fig .tip:not([hidden])');
      assert.match(await page.textContent('#chart-fig .tip'), /余额/);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 390, 'the tooltip stays inside the screen');
      // On a phone each ledger detail says what it is.
      const op = await page.$eval('#ledger-body tr td:nth-child(7)', (td) => getComputedStyle(td, '::before').content);
      assert.equal(op, '"操作员："');
      await step(page, 'phone');
      await assertAccessible(page, 'the phone page');
      await page.context().close();
    });

    test('the language switch: one language at a time, and back', async () => {
      const page = await open(OPERATOR.token);
      await lookup(page);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.match(await visibleText(page, '#adjust-h'), /^调整积分$/);
      await page.click('#lang-switch');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      assert.match(await visibleText(page, '#adjust-h'), /^Adjust points$/);
      assert.match(await visibleText(page, '#conn-text'), /王芳 · Operator/);
      assert.equal(await page.textContent('#adj-reason option[value=""]'), 'Choose the type of change');
      await step(page, 'english');
      await assertAccessible(page, 'the English page');
      await page.reload();
      await page.waitForSelector('#conn.ok');
      assert.equal(await page.getAttribute('html', 'lang'), 'en', 'remembered');
      assert.match(await visibleText(page, '#lookup-h'), /^Find a member$/);
      await page.click('#lang-switch');
      assert.match(await visibleText(page, '#lookup-h'), /^查找会员$/);
      await page.context().close();
    });

    test('an admin: everyone\'s trail, the CSV export, and the developer tools behind a switch', async () => {
      const page = await open(undefined);
      await lookup(page);
      assert.match(await visibleText(page, '#conn-text'), /店长（管理员）/);
      assert.match(await visibleText(page, '#audit-body'), /王芳/, `the operator's changes (${await page.textContent('#error')})`);
      assert.equal(await page.isVisible('#audit-csv'), true);
      assert.equal(await page.isVisible('#inspector'), false, 'the inspector is off until switched on');
      assert.equal(await page.isVisible('#adj-key'), false, 'no idempotency key on the main page');
      const main = await page.locator('main').innerText();
      assert.doesNotMatch(main, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/, 'no UUID on the main page');
      assert.doesNotMatch(main, /No idempotency field|idempotencyKey is sent/, 'no vendor notes');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audit-csv')]);
      const csv = await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'));
      assert.match(csv, /王芳/);
      await step(page, 'admin');
      await page.check('#dev-switch');
      assert.equal(await page.isVisible('#inspector'), true);
      assert.equal(await page.isVisible('[data-inspect="getBalance"]'), true);
      await step(page, 'admin-developer-tools');
      await page.context().close();
      // An operator has no developer switch.
      const op = await open(OPERATOR.token);
      assert.equal(await op.isVisible('#dev-switch'), false);
      await op.context().close();
    });

    test('a new #token= link pasted into the same tab signs the new person in', async () => {
      const page = await open(VIEWER.token);
      assert.match(await visibleText(page, '#conn-text'), /李雷/);
      await page.evaluate((u) => { location.hash = new URL(u).hash; }, stack.pageUrl({ token: OPERATOR.token, simInPage: false }));
      await page.waitForFunction(() => /王芳/.test(document.querySelector('#conn-text').innerText));
      assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
      await page.context().close();
    });

    test('a change whose outcome is unknown is listed at the top on load, with a way to its member; gone once settled', async () => {
      const page = await open(OPERATOR.token);
      // A submission left in flight by a closed tab (what the page writes before it sends).
      const key = `left-in-flight-${vendor}`;
      const member = fx.cardId ? { id: fx.id, cardId: fx.cardId, mobile: fx.mobile } : { id: fx.id, mobile: fx.mobile };
      await page.evaluate(({ gateway, key, member, reason }) => {
        localStorage.setItem('jifen-admin-pending', JSON.stringify({ [key]: { gateway, at: Date.now(), args: { member, delta: 6, reason, idempotencyKey: key } } }));
      }, { gateway: stack.gateway.url, key, member, reason: earnReason() });
      await page.reload();
      await page.waitForSelector('#conn.ok');
      await page.waitForSelector('#pending-banner:not([hidden])');
      const banner = await visibleText(page, '#pending-banner');
      assert.match(banner, /结果未知的调整/);
      assert.match(banner, /\+6/);
      assert.ok(!banner.includes(fx.mobile), 'the mobile is masked');
      const top = await page.$eval('#pending-banner', (el) => el.getBoundingClientRect().top);
      assert.ok(top < 300, `at the top of the page (${top}px)`);
      await step(page, 'pending-on-load');
      await page.click('#pending-list button');
      await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
      assert.equal(await page.getAttribute('#adj-result', 'data-outcome'), 'unknown');
      assert.equal(await page.inputValue('#adj-delta'), '6', 'the submission is back, frozen, with its key');
      if (caps.operations?.adjustPoints?.idempotent !== false) {
        await page.click('#adj-review');
        await page.waitForSelector('#confirm[open]');
        await page.click('#confirm-ok');
        await page.waitForSelector('#adj-result[data-outcome="applied"]');
      } else {
        await page.click('#adj-new'); // Kingdee: the person checked the ledger
      }
      assert.equal(await page.isVisible('#pending-banner'), false);
      assert.equal(await page.evaluate(() => localStorage.getItem('jifen-admin-pending')), null, 'no member data left in localStorage');
      await page.context().close();
    });

    if (vendor === 'kingdee') {
      test('Kingdee by mobile: the ledger, the balance from its newest row, and a change', async () => {
        const page = await open(OPERATOR.token);
        await page.fill('#lookup-q', fx.mobile);
        await page.press('#lookup-q', 'Enter');
        await page.waitForSelector('#member-area[data-loaded]:not([hidden])');
        assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
        const shown = Number((await page.textContent('#b-available')).replace(/,/g, ''));
        const newest = (await rows()).at(-1);
        assert.ok(Number.isFinite(shown) && shown > 0, `balance ${shown}`);
        await page.fill('#adj-delta', '2');
        await page.selectOption('#adj-reason', earnReason());
        await page.click('#adj-review');
        await page.waitForSelector('#confirm[open]');
        await page.click('#confirm-ok');
        await page.waitForSelector('#adj-result[data-outcome="applied"]');
        assert.equal(Number((await page.textContent('#b-available')).replace(/,/g, '')), shown + 2, 'read again from the ledger');
        // The changes made earlier with the member id still name their operator when the member is found by mobile.
        assert.match(await page.locator('#ledger-body tr', { hasText: '+120' }).innerText(), /王芳/);
        assert.equal(await page.isVisible('#b-total'), false, 'no empty balance parts');
        void newest;
        await step(page, 'kingdee-by-mobile');
        // A member id without its card id: told what else is needed, in words.
        await page.fill('#lookup-q', fx.id);
        await page.fill('#lookup-card', '');
        await page.selectOption('#lookup-kind', 'id');
        await page.click('#lookup-btn');
        assert.match(await visibleText(page, '#error'), /还需要会员卡ID/);
        await page.context().close();
      });
    }

    test('no console or page errors', () => {
      assert.deepEqual(problems, []);
    });
  });
}
