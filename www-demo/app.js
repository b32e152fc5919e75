// The admin page: look a member up, read the balance and the ledger, adjust
// points, and inspect the signed vendor request of any action. Everything
// goes through the gateway; no framework, no build step.
import { Gateway, GatewayError } from './js/gateway.js';
import { describe, isDefinite, renderError } from './js/errors.js';
import { attachTooltip, balanceChart } from './js/chart.js';
import { num, signed, time, REASON_GROUPS, reasonGroup, reasonLabel, reasonLabels } from './js/format.js';
import { bi, current as currentLang, onSwitch, relabel, setLang, startI18n, t } from './js/i18n.js';

const $ = (id) => document.getElementById(id);
startI18n();

// The request inspector (and with it the signing code) loads only when an admin turns the
// developer tools on.
let inspectorModule = null;
const inspector = () => (inspectorModule ??= import('./js/inspector.js'));

/** Who is signed in: GET /api/me. */
let me = null;
const ROLE_NAMES = { viewer: ['查看员', 'Viewer'], operator: ['操作员', 'Operator'], admin: ['店长（管理员）', 'Admin'] };
const VENDOR_NAMES = { kingdee: ['金蝶精斗云', 'Kingdee JDY'], freemud: ['非码', 'Freemud'], qimai: ['企迈', 'Qimai'] };
const DEV = 'jifen-admin-dev';

// What the vendor's unified calls take beyond the contract's common ground, from its
// capabilities(): whether a member is found only by id + card id (Kingdee's getBalance and
// getMember need both), and the optional fields its adjustPoints carries — the remark always: the
// gateway keeps it in the audit trail where the vendor has no field (Kingdee).
function formFor() {
  const ops = caps?.operations ?? {};
  const needsCard = (op) => Boolean(op?.needsAll && op.needs?.includes('cardId'));
  const accepts = ops.adjustPoints?.accepts ?? [];
  return {
    lookupNeedsCard: needsCard(ops.getMember) || needsCard(ops.getBalance),
    adjustFields: [...new Set([...accepts, 'remark'])],
  };
}

function applyVendorForm() {
  const f = formFor();
  $('lookup-card-wrap').hidden = !f.lookupNeedsCard;
  $('lookup-card-help').hidden = !f.lookupNeedsCard;
  // Kingdee reads a member's card and balance only by member id + card id; by mobile it has the
  // ledger (whose newest row gives the balance) and takes changes: both ways are offered.
  $('lookup-card').required = false;
  for (const o of $('lookup-kind').options) o.disabled = f.lookupNeedsCard && !['auto', 'id', 'mobile'].includes(o.value);
  if (f.lookupNeedsCard && $('lookup-kind').value === 'card') $('lookup-kind').value = 'auto';
  // A vendor without order ids (Kingdee, Qimai): no empty 订单号 column in the ledger.
  document.body.classList.toggle('no-order', !f.adjustFields.includes('orderId'));
  for (const el of document.querySelectorAll('#adjust-form [data-field]')) {
    const on = f.adjustFields.includes(el.dataset.field);
    el.hidden = !on;
    if (!on && 'value' in el) el.value = '';
  }
}
const STORE = 'jifen-admin-settings';
const PAGE_SIZE = 10;

// ---------------------------------------------------------------- settings
function loadSettings() {
  let s = {};
  try { s = JSON.parse(sessionStorage.getItem(STORE) ?? '{}') ?? {}; } catch { /* start empty */ }
  // `make demo` opens the page with defaults in the fragment; take them, then
  // drop the fragment so the token is not left in the address bar or history.
  const frag = new URLSearchParams(location.hash.slice(1));
  // The token this tab holds is for its gateway: a link naming another gateway without a
  // token (anyone can make one, and a page that opened this one can navigate it there) must
  // not send it along.
  if (frag.has('gateway') && frag.get('gateway') !== s.gateway && !frag.has('token')) delete s.token;
  for (const k of ['gateway', 'token', 'sim']) if (frag.has(k)) s[k] = frag.get(k);
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  // A new person's link replaces the last person's sign-in (and their developer switch).
  if (frag.has('token')) try { localStorage.removeItem(DEV); } catch { /* none kept */ }
  sessionStorage.setItem(STORE, JSON.stringify(s));
  return s;
}

let settings = loadSettings();
let gw = new Gateway(settings);
let vendor = null;
let caps = null; // GET /api/capabilities

const state = {
  member: null, // the member object used for calls (`{ id }` once found)
  card: null, // getMember result
  balance: null, // getBalance result
  ledger: { gen: 0, entries: [], cursor: null, done: true, loading: false, from: '', to: '', lastArgs: null },
};

function showError(err) {
  renderError($('error'), err);
  $('error').scrollIntoView?.({ block: 'nearest' });
}
function clearError() { $('error').hidden = true; $('error').replaceChildren(); }

function fillSettingsForm() {
  $('set-gateway').value = settings.gateway ?? '';
  $('set-token').value = settings.token ?? '';
  $('set-sim').value = settings.sim ?? '';
  const local = $('insp-mode').querySelector('option[value="local"]');
  local.disabled = !settings.sim;
  $('insp-mode').value = settings.sim ? 'local' : 'gateway';
}

async function connect() {
  const conn = $('conn');
  conn.className = 'conn';
  $('conn-text').replaceChildren(bi('连接中…', 'Connecting…'));
  try {
    [caps, me] = await Promise.all([gw.capabilities(), gw.me()]);
    vendor = caps.vendor;
    fillReasons(caps.reasons ?? {}, caps.reasonSigns ?? {});
    applyVendorForm();
    applyRole();
    $('adj-note').textContent = caps.operations?.adjustPoints?.note ? `${vendor}: ${caps.operations.adjustPoints.note}` : '';
    conn.classList.add('ok');
    const [rz, re] = ROLE_NAMES[me.role] ?? [me.role, me.role];
    $('conn-text').replaceChildren(`${me.name} · `, bi(rz, re));
    clearError();
    showPendingBanner();
    return true;
  } catch (e) {
    conn.classList.add('bad');
    $('conn-text').replaceChildren(bi('未连接', 'Not connected'));
    showError(e);
    if (e.code === 'unauthorized' || e.code === 'not_configured' || e.code === 'gateway_unreachable') $('settings').open = true;
    return false;
  }
}

/** The store's name in the header and the title; what this person may do, shown and enforced. */
function applyRole() {
  const [vz, ve] = VENDOR_NAMES[vendor] ?? [vendor, vendor];
  const store = me?.store || null;
  $('store-name').replaceChildren(store ?? bi(vz, ve));
  document.title = `${store ?? t(vz, ve)} · ${t('积分管理', 'Points')}`;
  const canAdjust = me?.role === 'operator' || me?.role === 'admin';
  $('adjust-card').hidden = !canAdjust; // a viewer has no adjust button at all
  $('audit-card').dataset.allowed = canAdjust ? '1' : '';
  $('audit-csv').hidden = me?.role !== 'admin';
  $('dev-switch-wrap').hidden = me?.role !== 'admin';
  let dev = false;
  try { dev = me?.role === 'admin' && localStorage.getItem(DEV) === '1'; } catch { /* off */ }
  $('dev-switch').checked = dev;
  setDev(dev);
  const lim = me?.limit;
  $('adj-limit-help').replaceChildren(canAdjust && Number.isInteger(lim)
    ? bi(`每次最多 ${num(lim)} 积分。`, `At most ${num(lim)} points per change. `) : '');
  $('audit-scope').replaceChildren(me?.role === 'admin'
    ? bi('这位会员的全部调整，含每位员工的操作。', "Every change to this member's points, by every member of staff.")
    : bi('你对这位会员做过的调整。', "The changes you made to this member's points."));
}

function setDev(on) {
  document.body.classList.toggle('dev', on);
  try { if (on) localStorage.setItem(DEV, '1'); else localStorage.removeItem(DEV); } catch { /* this page only */ }
  if (on) inspector().catch(() => {});
}
$('dev-switch').addEventListener('change', () => setDev($('dev-switch').checked && me?.role === 'admin'));

$('lang-switch').addEventListener('click', () => setLang(currentLang() === 'en' ? 'zh' : 'en'));
function labelLangSwitch() {
  const b = $('lang-switch');
  const en = currentLang() === 'en';
  b.textContent = en ? '中文' : 'English';
  b.lang = en ? 'zh-CN' : 'en';
  b.setAttribute('aria-label', en ? '切换到中文' : 'Switch to English');
  if (me) applyRole();
  if (state.ledger.entries.length) renderChart();
}
onSwitch(labelLangSwitch);
labelLangSwitch();

// A new link (#token=…) pasted into this tab: the page does not reload for a fragment change.
window.addEventListener('hashchange', async () => {
  if (!location.hash) return;
  settings = loadSettings();
  gw = new Gateway(settings);
  fillSettingsForm();
  $('member-area').hidden = true;
  state.member = null;
  if (await connect()) $('settings').open = false;
});

$('settings-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  settings = { gateway: $('set-gateway').value.trim(), token: $('set-token').value, sim: $('set-sim').value.trim() };
  sessionStorage.setItem(STORE, JSON.stringify(settings));
  gw = new Gateway(settings);
  fillSettingsForm();
  if (await connect()) $('settings').open = false;
});

// ---------------------------------------------------------------- reasons
function fillReasons(reasons, signs) {
  // The reasons this vendor records (capabilities().reasons, in its order), in the vendor's words;
  // our labels by id, and an id we have no label for shown as itself. Nothing chosen until the
  // person chooses.
  const sel = $('adj-reason');
  sel.replaceChildren();
  const none = document.createElement('option');
  none.value = '';
  none.dataset.zh = '请选择调整类型';
  none.dataset.en = 'Choose the type of change';
  none.textContent = none.dataset.zh;
  sel.append(none);
  const recorded = Object.entries(reasons).filter(([, r]) => r);
  const names = recorded.map(([, r]) => r.name);
  for (const [g, label] of REASON_GROUPS) {
    const og = document.createElement('optgroup');
    [og.dataset.zh, og.dataset.en] = label.split(' ');
    og.label = og.dataset.zh;
    for (const [id, { name: vendorName }] of recorded) {
      if (reasonGroup(id, signs[id]) !== g) continue;
      const o = document.createElement('option');
      o.value = id;
      const [zh, en] = reasonLabels(id);
      const known = zh !== id;
      // Several of our reasons can be one vendor type (Qimai's 积分扣减): say which.
      const shared = names.filter((n) => n === vendorName).length > 1;
      o.dataset.zh = known ? (shared ? `${vendorName}（${zh}）` : vendorName) : `${vendorName}（${id}）`;
      o.dataset.en = `${vendorName} (${en})`;
      o.textContent = o.dataset.zh;
      og.append(o);
    }
    if (og.children.length) sel.append(og);
  }
  sel.value = '';
  relabel();
}

// ---------------------------------------------------------------- lookup
function parseLookup(kind, q) {
  q = q.trim();
  const card = $('lookup-card').value.trim();
  if (formFor().lookupNeedsCard && card && kind !== 'mobile') return { id: q, cardId: card };
  if (kind === 'auto') kind = /^\+?(86)?1\d{10}$/.test(q.replace(/[\s-]/g, '')) ? 'mobile' : 'id';
  if (kind === 'mobile') return { mobile: q.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '') };
  if (kind === 'card') return { cardId: q };
  return { id: q };
}

let lookupArgs = null;

$('lookup-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = $('lookup-q').value;
  if (!q.trim()) return;
  lookupArgs = parseLookup($('lookup-kind').value, q);
  const mobileOnly = formFor().lookupNeedsCard && !lookupArgs.cardId;
  if (mobileOnly && !lookupArgs.mobile) {
    showError(new GatewayError('invalid_input', 'kingdee needs the card id with a member id'));
    $('error').querySelector('.what').replaceChildren(bi('按会员ID查询时还需要会员卡ID（在精斗云后台的会员资料里）；也可以直接输入手机号。',
      "With a member id Kingdee also needs the card id (on the member's page in Kingdee's back office); or type the mobile number instead."));
    $('lookup-card').focus();
    return;
  }
  const btn = $('lookup-btn');
  btn.disabled = true;
  delete $('member-area').dataset.loaded;
  clearError();
  try {
    // Kingdee by mobile: no member card to read (it needs id + card id); the ledger and the
    // balance after its newest row say the rest.
    const card = mobileOnly ? { mobile: lookupArgs.mobile } : await gw.getMember(lookupArgs);
    state.card = card;
    // Both keys where known: some vendors need the id, others the mobile.
    state.member = { ...lookupArgs };
    if (card.id) state.member.id = String(card.id);
    if (card.mobile) state.member.mobile = String(card.mobile);
    renderCard();
    $('member-area').hidden = false;
    // A new member, a new form: nothing of the last member's change carries over.
    for (const id of ['adj-delta', 'adj-order', 'adj-remark']) $(id).value = '';
    $('adj-reason').value = '';
    newAdjustForm();
    $('adj-result').replaceChildren();
    restorePending();
    await Promise.all([refreshBalance(), loadAudit()]);
    await resetLedger();
    balanceFromLedger();
    $('member-area').dataset.loaded = String(Date.now()); // card, balance and first ledger page are in
  } catch (e) {
    $('member-area').hidden = true;
    state.member = null;
    showError(e);
  } finally {
    btn.disabled = false;
  }
});

function renderCard() {
  const c = state.card ?? {};
  $('m-name').textContent = c.name || '—';
  $('m-mobile').textContent = c.mobile || '—';
  $('m-level').textContent = c.level || '—';
  $('m-registered').textContent = time(c.registeredAt);
  $('m-id').textContent = c.id ?? '—';
  // Points about to expire, where the vendor says (Qimai's getCustomerPoints: soonExpiredPoints by expiredTime).
  const raw = state.balance?.raw ?? {};
  const expiring = typeof raw.soonExpiredPoints === 'number' ? raw.soonExpiredPoints : null;
  $('m-expiring-wrap').hidden = !(expiring > 0);
  $('m-expiring').textContent = expiring > 0 ? `${num(expiring)}${raw.expiredTime ? ` · ${time(String(raw.expiredTime))}` : ''}` : '';
  const pts = state.balance?.available ?? c.points;
  $('m-points').textContent = num(pts);
}

/** Kingdee by mobile: the balance is the balance after the newest ledger row. */
const balanceByLedger = () => formFor().lookupNeedsCard && !state.member?.cardId;

function balanceFromLedger() {
  if (!balanceByLedger()) return;
  const newest = state.ledger.entries.find((e) => typeof e.balanceAfter === 'number');
  state.balance = newest ? { available: newest.balanceAfter } : null;
  $('b-available').textContent = num(state.balance?.available);
  for (const part of ['pending', 'used', 'total']) $(`b-${part}`).parentElement.hidden = true;
  renderCard();
}

async function refreshBalance() {
  if (balanceByLedger()) return; // after the ledger: balanceFromLedger
  try {
    state.balance = await gw.getBalance(state.member);
  } catch (e) {
    state.balance = null;
    if (e.code !== 'unsupported') showError(e);
  }
  const b = state.balance ?? {};
  for (const part of ['available', 'pending', 'used', 'total']) {
    $(`b-${part}`).textContent = num(b[part]);
    // Show a part only where the vendor gives it; always show "available".
    $(`b-${part}`).parentElement.hidden = part !== 'available' && typeof b[part] !== 'number';
  }
  renderCard();
}

// ---------------------------------------------------------------- ledger
const TZ = '+08:00'; // vendors keep Asia/Shanghai time; the filter is in store time

function ledgerArgs(cursor) {
  const L = state.ledger;
  const a = { member: state.member, pageSize: PAGE_SIZE };
  if (L.from) a.from = `${L.from}T00:00:00${TZ}`;
  if (L.to) a.to = `${L.to}T23:59:59${TZ}`;
  if (cursor) a.cursor = cursor;
  return a;
}

async function resetLedger() {
  const L = state.ledger;
  L.gen++;
  L.entries = [];
  audit.used = new Set();
  L.cursor = null;
  L.done = false;
  L.loading = false;
  $('ledger-body').replaceChildren();
  L.chart = null;
  renderChart();
  await Promise.all([loadMoreLedger(), loadChartRange(L.gen)]);
  renderChart();
}

/** Pages the chart reads at most (100 rows each): the whole filtered range for any ordinary member. */
const CHART_PAGES = 20;

/**
 * The chart plots the whole filtered range, not only the pages the table has loaded: its own
 * read of the ledger in pages of 100. Cut at CHART_PAGES (the caption says so).
 */
async function loadChartRange(gen) {
  const L = state.ledger;
  const rows = [];
  let cursor = null;
  try {
    for (let i = 0; i < CHART_PAGES; i++) {
      const page = await gw.ledgerPage({ ...ledgerArgs(cursor), pageSize: 100 });
      if (gen !== L.gen) return;
      rows.push(...(page.entries ?? []));
      cursor = page.cursor ?? null;
      if (!cursor) break;
    }
    L.chart = { entries: rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)), complete: !cursor };
  } catch {
    // The table's own read shows any error; the chart then plots what the table has.
  }
}

async function loadMoreLedger() {
  const L = state.ledger;
  if (L.loading || L.done || !state.member) return;
  L.loading = true;
  const gen = L.gen;
  const args = ledgerArgs(L.cursor);
  L.lastArgs = args;
  $('ledger-status').replaceChildren(bi('加载中…', 'Loading…'));
  $('ledger-more').disabled = true;
  try {
    const page = await gw.ledgerPage(args);
    if (gen !== L.gen) return; // a newer filter or member replaced this list
    const entries = (page.entries ?? []).slice().sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    L.entries.push(...entries);
    L.cursor = page.cursor ?? null;
    L.done = !L.cursor;
    appendRows(entries);
    renderChart();
    $('ledger-status').replaceChildren(L.entries.length === 0 ? bi('没有记录。', 'No entries.')
      : bi(`已显示 ${L.entries.length} 条${L.done ? '（全部）' : ''}。`, `Showing ${L.entries.length}${L.done ? ' (all)' : ''}.`));
  } catch (e) {
    if (gen !== L.gen) return;
    $('ledger-status').textContent = '';
    showError(e);
  } finally {
    if (gen === L.gen) {
      L.loading = false;
      $('ledger-more').hidden = L.done;
      $('ledger-more').disabled = false;
    }
  }
  // Keep filling while the end of the list is on screen (a short page on a tall screen).
  if (gen === L.gen && !L.done && sentinelVisible) queueMicrotask(loadMoreLedger);
}

function appendRows(entries) {
  const frag = document.createDocumentFragment();
  for (const e of entries) {
    const tr = document.createElement('tr');
    const td = (text, cls, title) => {
      const c = document.createElement('td');
      c.textContent = text;
      if (cls) c.className = cls;
      if (title) c.title = title;
      tr.append(c);
    };
    td(time(e.at), '', e.at);
    td(signed(e.delta), `num ${e.delta > 0 ? 'plus' : e.delta < 0 ? 'minus' : ''}`);
    td(num(e.balanceAfter), 'num');
    td(e.type?.name || e.type?.code || '—', '', e.type?.code ? `${e.type.code}` : '');
    // Why and who: the vendor's remark and order id where it keeps them, else the audit trail's.
    const a = auditFor(e);
    td(e.remark || a?.remark || '');
    td(e.orderId || a?.orderId || '', 'mono col-order');
    td(a?.operator ?? '');
    // Labels for the phone layout, where the table's head is not shown.
    const cells = tr.children;
    [[4, '备注', 'Remark'], [5, '订单号', 'Order'], [6, '操作员', 'By']].forEach(([i, zh, en]) => Object.assign(cells[i].dataset, { zh, en }));
    frag.append(tr);
  }
  $('ledger-body').append(frag);
}

function renderChart() {
  $('chart-fig').hidden = false;
  const width = $('chart').clientWidth || $('ledger-h').clientWidth || 600;
  const c = balanceChart(state.ledger.chart?.entries ?? state.ledger.entries, { width });
  $('chart-fig').hidden = !c;
  $('chart').replaceChildren(...(c ? [c.svg] : []));
  $('chart-fig').querySelector('.tip')?.remove();
  if (c) {
    attachTooltip($('chart-fig'), c, (p) => `${time(p.at)} · ${t('余额', 'balance')} ${num(p.v)}`);
    const cut = state.ledger.chart && !state.ledger.chart.complete;
    $('chart-cap').replaceChildren(bi(
      `余额走势：${time(c.first.at)} 为 ${num(c.first.v)}，${time(c.last.at)} 为 ${num(c.last.v)}（最低 ${num(c.min)}，最高 ${num(c.max)}）。${cut ? `只画了最近 ${num(c.points)} 条。` : ''}`,
      `Balance over time: ${num(c.first.v)} at ${time(c.first.at)}, ${num(c.last.v)} at ${time(c.last.at)} (low ${num(c.min)}, high ${num(c.max)}).${cut ? ` Only the latest ${c.points} entries are drawn.` : ''}`));
  }
}

// ---------------------------------------------------------------- audit trail
const audit = { entries: [], used: new Set() };

/** This member's audit entries (an operator sees their own; a viewer none). */
async function loadAudit() {
  audit.entries = [];
  audit.used = new Set();
  $('audit-card').hidden = !$('audit-card').dataset.allowed;
  $('audit-body').replaceChildren();
  if ($('audit-card').hidden) return;
  try {
    const page = await gw.audit({ member: state.member });
    audit.entries = page.entries ?? [];
  } catch (e) {
    if (e.code !== 'forbidden') showError(e);
  }
  renderAudit();
}

const OUTCOMES = {
  applied: ['已生效', 'Applied'], refused: ['未生效', 'Not applied'], unknown: ['结果未知', 'Unknown'], pending: ['处理中或未知', 'In progress or unknown'],
};

function renderAudit() {
  const rows = audit.entries.map((a) => {
    const tr = document.createElement('tr');
    const td = (content, cls) => {
      const c = document.createElement('td');
      c.append(content);
      if (cls) c.className = cls;
      tr.append(c);
    };
    td(time(localTime(a.at)));
    td(a.operator ?? '');
    tr.lastChild.dataset.zh = '操作员';
    tr.lastChild.dataset.en = 'By';
    td(signed(a.delta), `num ${a.delta > 0 ? 'plus' : 'minus'}`);
    td(caps?.reasons?.[a.reason]?.name ?? reasonLabel(a.reason));
    td(a.remark ?? '');
    Object.assign(tr.lastChild.dataset, { zh: '备注', en: 'Remark' });
    const [oz, oe] = OUTCOMES[a.outcome] ?? [a.outcome, a.outcome];
    const o = bi(oz, oe);
    if (a.was === 'unknown') o.append(bi('（后经核实）', ' (settled later)'));
    td(o, `outcome-${a.outcome}`);
    return tr;
  });
  $('audit-body').replaceChildren(...rows);
  if (!rows.length) {
    const tr = document.createElement('tr');
    const c = document.createElement('td');
    c.colSpan = 6;
    c.append(bi('还没有通过本页面做过的调整。', 'No changes made through this page yet.'));
    tr.append(c);
    $('audit-body').append(tr);
  }
}

/** An ISO time (UTC) as China time, `2026-12-07T18:00:00+08:00`. */
function localTime(iso) {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms + 8 * 3600e3).toISOString().slice(0, 19)}+08:00`;
}

/** The audit entry behind a ledger row: the same change, applied within five minutes of it. */
function auditFor(row) {
  const at = Date.parse(row.at);
  let best = null;
  for (const a of audit.entries) {
    if (a.outcome !== 'applied' || a.delta !== row.delta || audit.used.has(a.idempotencyKey)) continue;
    const d = Math.abs(Date.parse(a.at) - at);
    if (d < 5 * 60e3 && (!best || d < best.d)) best = { a, d };
  }
  if (best) audit.used.add(best.a.idempotencyKey);
  return best?.a ?? null;
}

$('audit-csv').addEventListener('click', async () => {
  try {
    const blob = await gw.auditCsv();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `jifen-audit-${new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (e) {
    showError(e);
  }
});
$('balance-refresh').addEventListener('click', () => refreshBalance());

let sentinelVisible = false;
new IntersectionObserver((items) => {
  sentinelVisible = items.some((i) => i.isIntersecting);
  if (sentinelVisible) loadMoreLedger();
}, { rootMargin: '200px' }).observe($('ledger-sentinel'));
$('ledger-more').addEventListener('click', () => loadMoreLedger());

$('ledger-filter').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const from = $('led-from').value, to = $('led-to').value;
  if (from && to && from > to) {
    showError(new GatewayError('invalid_input', 'the start date is after the end date'));
    return;
  }
  clearError();
  Object.assign(state.ledger, { from, to });
  resetLedger();
});
$('ledger-filter').addEventListener('reset', () => {
  Object.assign(state.ledger, { from: '', to: '' });
  setTimeout(resetLedger);
});

// ---------------------------------------------------------------- adjust
// One idempotency key per form: kept across retries of the same submission,
// replaced only after a definite result (applied, or refused for sure).
const adjust = { key: '', inFlight: false, uncertain: null, retrySafe: false };

// Submissions whose outcome is not known yet, in localStorage so that they outlive a reload or a
// closed tab and are seen by another tab: { [idempotencyKey]: { gateway, args, at } }. Written
// before the request is sent; removed once the outcome is known (applied, or refused for sure) or
// when the user has checked the ledger and starts over. Looking the member up again brings the
// submission back, frozen, with its key: re-entering it by hand would make a new key.
const PENDING = 'jifen-admin-pending';
const PENDING_MAX_AGE_MS = 7 * 24 * 3600 * 1000; // how long jifen's shared stores keep a key by default

function readPending() {
  try {
    const all = JSON.parse(localStorage.getItem(PENDING) ?? '{}');
    return all && typeof all === 'object' && !Array.isArray(all) ? all : {};
  } catch {
    return {};
  }
}
function writePending(all) {
  const now = Date.now();
  for (const [k, p] of Object.entries(all)) if (!(now - p?.at < PENDING_MAX_AGE_MS)) delete all[k];
  try {
    if (Object.keys(all).length) localStorage.setItem(PENDING, JSON.stringify(all));
    else localStorage.removeItem(PENDING);
  } catch {
    // No storage here (a locked-down browser): the key lives as long as this page.
  }
}
function savePending(a) {
  const all = readPending();
  all[a.idempotencyKey] = { gateway: settings.gateway, args: a, at: Date.now() };
  writePending(all);
}
function dropPending(key) {
  const all = readPending();
  if (Object.hasOwn(all, key)) {
    delete all[key];
    writePending(all);
  }
}
const sameMember = (x, y) => ['id', 'mobile', 'cardId'].some((k) => typeof x?.[k] === 'string' && x[k] !== '' && x[k] === y?.[k]);

/** The oldest unsettled submission for the member on screen, if any, put back in the form, frozen. */
function restorePending() {
  const p = Object.values(readPending())
    .filter((e) => e?.gateway === settings.gateway && typeof e.args?.idempotencyKey === 'string' && sameMember(e.args.member, state.member))
    .sort((x, y) => x.at - y.at)[0];
  if (!p) return;
  const a = p.args;
  adjust.key = a.idempotencyKey;
  $('adj-key').textContent = a.idempotencyKey;
  $('adj-delta').value = String(a.delta);
  $('adj-reason').value = a.reason;
  $('adj-order').value = a.orderId ?? '';
  $('adj-remark').value = a.remark ?? '';
  freezeUncertain(a, vendorDedupes());
  const out = $('adj-result');
  out.className = 'result unknown';
  out.dataset.outcome = 'unknown';
  const what = document.createElement('p');
  what.className = 'what';
  what.append(bi(`这笔调整（${signed(a.delta)}，${reasonName(a.reason)}）已提交，但结果未知：等待回复时页面被刷新或关闭，或另一个标签页仍在提交。`,
    `The outcome of this submitted change (${signed(a.delta)}) is not known: the page was reloaded or closed while waiting, or another tab is still sending it.`));
  out.replaceChildren(what, nextStep(vendorDedupes()));
  out.hidden = false;
}

/** After an unknown outcome: the submission `a` is kept with its key, the form frozen for its retry. */
function freezeUncertain(a, safe) {
  adjust.uncertain = a;
  adjust.retrySafe = safe;
  for (const id of ['adj-delta', 'adj-reason', 'adj-order', 'adj-remark']) $(id).disabled = true;
  $('adj-review').replaceChildren(bi('重试', 'Retry'));
  $('adj-new').hidden = false;
  $('adj-review').hidden = !safe;
}

/** What to do after an unknown outcome, as a paragraph. */
function nextStep(safe) {
  const p = document.createElement('p');
  p.className = 'next';
  p.append(safe
    ? bi('这次调整可能已经生效。可直接点“重试”：系统能识别这是同一笔，不会重复入账。', 'The change may have gone through. Retry is safe: the points system recognises it as the same change.')
    : bi('这次调整可能已经生效，而该积分系统不识别重复请求，所以不能直接重试。请查看下方流水：若已有这笔调整，无需再做；若没有，点“已核对流水，重新填写”。',
      'The change may have gone through, and this points system cannot recognise a repeat, so it cannot simply be retried. Check the ledger below: if the change is there, you are done; if not, choose “start over”.'));
  return p;
}

function newAdjustForm() {
  adjust.key = crypto.randomUUID();
  adjust.uncertain = null;
  $('adj-key').textContent = adjust.key;
  for (const id of ['adj-delta', 'adj-reason', 'adj-order', 'adj-remark']) $(id).disabled = false;
  $('adj-review').replaceChildren(bi('核对', 'Review'));
  $('adj-new').hidden = true;
  $('adj-review').hidden = false;
}
$('adj-new').addEventListener('click', () => {
  // The user has checked the ledger: this submission is settled.
  dropPending(adjust.uncertain?.idempotencyKey ?? adjust.key);
  showPendingBanner();
  newAdjustForm();
  $('adj-result').replaceChildren();
  $('adj-delta').focus();
});

function adjustArgs() {
  const a = { member: state.member, delta: Number($('adj-delta').value), reason: $('adj-reason').value, idempotencyKey: adjust.key };
  const orderId = $('adj-order').value.trim(), remark = $('adj-remark').value.trim();
  if (orderId) a.orderId = orderId;
  if (remark) a.remark = remark;
  return a;
}

function validateAdjust(a) {
  if (!state.member) return ['请先查找会员。', 'Look a member up first.'];
  if (!Number.isInteger(a.delta) || a.delta === 0) return ['变动必须是非零整数，例如 100 或 -30。', 'The change must be a whole number other than zero, e.g. 100 or -30.'];
  const size = Math.abs(a.delta);
  if (me && Number.isInteger(me.limit) && size > me.limit) {
    return me.role === 'admin'
      ? [`一次最多调整 ${num(me.limit)} 积分（本店的上限）。`, `At most ${num(me.limit)} points in one change (this store's limit).`]
      : [`超出了你的单笔调整上限（${num(me.limit)} 积分），请让店长（管理员）来做。`, `This is above your limit of ${num(me.limit)} points for one change. Ask the store admin to make it.`];
  }
  const now = currentPoints();
  if (a.delta < 0 && typeof now === 'number' && now + a.delta < 0) {
    return [`积分不足：当前 ${num(now)}，最多可扣 ${num(now)}。`, `Not enough points: the balance is ${num(now)}, so at most ${num(now)} can be taken.`];
  }
  if (!a.reason) return ['请选择调整类型。', 'Choose the type of change.'];
  const sign = caps?.reasonSigns?.[a.reason];
  if (sign === 'earn' && a.delta < 0) return ['这个原因只能增加积分；扣减请选择“扣减”类原因。', 'This reason only adds points; choose a spending reason to take points away.'];
  if (sign === 'spend' && a.delta > 0) return ['这个原因只能扣减积分；增加请选择“增加”类原因。', 'This reason only takes points away; choose an earning reason to add points.'];
  return null;
}

/** Whether the vendor itself recognises a repeated idempotency key (capabilities). */
function vendorDedupes() { return caps?.operations?.adjustPoints?.idempotent !== false; }

/**
 * Whether retrying an uncertain adjustment with the same key is safe: the vendor dedupes on it,
 * or the key is held by another request (a retryable `conflict`: nothing was sent; the holder's result is
 * replayed once recorded, and a claimed key is never sent twice).
 */
function retrySafe(e) { return vendorDedupes() || (e?.code === 'conflict' && e.retryable !== false); }

function currentPoints() { return state.balance?.available ?? state.card?.points; }

$('adjust-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (adjust.inFlight) return;
  const a = adjustArgs();
  const bad = validateAdjust(a);
  const out = $('adj-result');
  if (bad) {
    out.className = 'result bad';
    out.replaceChildren(bi(bad[0], bad[1]));
    out.dataset.check = 'refused';
    (a.reason || !/类型/.test(bad[0]) ? $('adj-delta') : $('adj-reason')).focus();
    return;
  }
  delete out.dataset.check;
  out.replaceChildren();
  const c = state.card ?? {};
  $('c-member').textContent = `${c.name ?? ''} ${c.mobile ?? ''}`.trim() || c.id || '';
  $('c-delta').textContent = signed(a.delta);
  $('c-reason').textContent = reasonName(a.reason) + (a.orderId ? ` · ${t('订单', 'order')} ${a.orderId}` : '');
  const now = currentPoints();
  $('c-after').textContent = typeof now === 'number' ? `${num(now)} → ${num(now + a.delta)}` : '—';
  $('c-note').replaceChildren(!adjust.uncertain ? ''
    : adjust.retrySafe
      ? bi('这是对上次结果未知的调整的重试：系统能识别这是同一笔，不会重复入账。', 'A retry of the last change whose outcome was unknown: the points system recognises it as the same change, so it cannot apply twice.')
      : bi('注意：该积分系统不识别重复请求。请先在流水中确认上次调整未生效，否则重试会重复入账。', 'Careful: this points system cannot recognise a repeated request. Check the ledger first: if the last change is there, a retry applies it twice.'));
  // A large change asks a second time.
  const big = me && Math.abs(a.delta) > (me.confirmAbove ?? Infinity);
  $('c-big').hidden = !big;
  $('c-big-check').checked = false;
  $('c-big-label').replaceChildren(bi(`这是一笔大额调整（${signed(a.delta)} 积分，超过 ${num(me?.confirmAbove)}）。我已和顾客核对过。`,
    `This is a large change (${signed(a.delta)} points, over ${num(me?.confirmAbove)}). I have checked it with the customer.`));
  $('confirm-ok').disabled = big;
  $('confirm-cancel').disabled = false;
  $('confirm').showModal();
  $('confirm-cancel').focus();
});

$('c-big-check').addEventListener('change', () => { $('confirm-ok').disabled = !$('c-big-check').checked || adjust.inFlight; });
// While a change is being sent, the dialog stays: closing it would not stop the change.
$('confirm').addEventListener('cancel', (ev) => { if (adjust.inFlight) ev.preventDefault(); });

$('confirm-ok').addEventListener('click', async () => {
  if (adjust.inFlight) return; // a double click, or Enter held down
  if (!$('c-big').hidden && !$('c-big-check').checked) return;
  adjust.inFlight = true;
  $('confirm-ok').disabled = true;
  $('confirm-cancel').disabled = true;
  $('c-big-check').disabled = true;
  $('adj-review').disabled = true;
  const a = adjust.uncertain ?? adjustArgs();
  const out = $('adj-result');
  out.className = 'result';
  out.replaceChildren(bi('提交中…', 'Submitting…'));
  $('c-note').replaceChildren(bi('提交中…请稍候，不要关闭页面。', 'Sending… please wait and keep this page open.'));
  savePending(a);
  try {
    const r = await gw.adjust(a);
    // Definite: applied (or the vendor's stored answer to this key). A new form, a new key.
    dropPending(a.idempotencyKey);
    $('adj-delta').value = '';
    $('adj-order').value = '';
    $('adj-remark').value = '';
    $('adj-reason').value = '';
    newAdjustForm();
    if (typeof r.balance === 'number') {
      state.balance = { ...(state.balance ?? {}), available: r.balance };
      renderCard();
      $('b-available').textContent = num(r.balance);
    }
    // Re-read: some vendors return no balance with the change, and the card must agree with the ledger.
    await Promise.all([refreshBalance(), loadAudit()]);
    await resetLedger();
    balanceFromLedger();
    const after = state.balance?.available ?? (typeof r.balance === 'number' ? r.balance : null);
    out.className = 'result';
    out.replaceChildren(bi(`${r.applied === false ? '未变动' : '已完成'}：${signed(a.delta)}（${reasonName(a.reason)}）。${after !== null ? `新余额 ${num(after)}。` : ''}`,
      `${r.applied === false ? 'Not changed' : 'Done'}: ${signed(a.delta)} (${reasonName(a.reason)}).${after !== null ? ` New balance ${num(after)}.` : ''}`));
    out.dataset.outcome = 'applied';
    showPendingBanner();
  } catch (e) {
    const d = describe(e);
    const definite = isDefinite(e, { vendorDedupes: vendorDedupes() });
    if (definite) {
      dropPending(a.idempotencyKey);
      out.className = 'result bad';
      out.dataset.outcome = 'refused';
      newAdjustForm();
    } else {
      // Unknown outcome: keep the key and the exact submission; a retry cannot apply twice.
      out.className = 'result unknown';
      out.dataset.outcome = 'unknown';
      freezeUncertain(a, retrySafe(e));
    }
    renderError(out, e);
    if (!definite) out.append(nextStep(retrySafe(e)));
    out.hidden = false;
    void d;
    showPendingBanner();
    // The balance and the trail as they are now (a refusal changed nothing; an unknown may have).
    Promise.all([refreshBalance(), loadAudit()]).catch(() => {});
  } finally {
    adjust.inFlight = false;
    $('adj-review').disabled = false;
    $('confirm-cancel').disabled = false;
    $('c-big-check').disabled = false;
    $('confirm').close();
    $('adj-review').focus();
  }
});

/** The vendor's name for a reason (its own words), else ours. */
function reasonName(id) {
  return caps?.reasons?.[id]?.name ?? reasonLabel(id);
}

/** Every unsettled change kept in this browser, at the top of the page, with a way to open its member. */
function showPendingBanner() {
  const list = Object.values(readPending()).filter((e) => e?.gateway === settings.gateway && e.args?.member);
  $('pending-banner').hidden = list.length === 0;
  $('pending-list').replaceChildren(...list.sort((x, y) => x.at - y.at).map((p) => {
    const li = document.createElement('li');
    const m = p.args.member;
    const who = m.mobile ? `${m.mobile.slice(0, 3)}****${m.mobile.slice(-4)}` : `…${String(m.id ?? m.cardId ?? '').slice(-6)}`;
    li.append(bi(`${time(localTime(new Date(p.at).toISOString()))}：会员 ${who}，${signed(p.args.delta)}（${reasonName(p.args.reason)}） `,
      `${time(localTime(new Date(p.at).toISOString()))}: member ${who}, ${signed(p.args.delta)} (${reasonName(p.args.reason)}) `));
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.append(bi('打开这位会员', 'Open this member'));
    b.addEventListener('click', () => {
      if (m.id && formFor().lookupNeedsCard) {
        $('lookup-kind').value = 'id';
        $('lookup-q').value = m.id;
        $('lookup-card').value = m.cardId ?? '';
      } else {
        $('lookup-kind').value = m.mobile ? 'mobile' : 'id';
        $('lookup-q').value = m.mobile ?? m.id ?? '';
      }
      $('lookup-form').requestSubmit();
    });
    li.append(b);
    return li;
  }));
}

// ---------------------------------------------------------------- inspector
function inspectArgs(op) {
  const member = state.member ?? lookupArgs ?? (($('lookup-q').value.trim() && parseLookup($('lookup-kind').value, $('lookup-q').value)) || null);
  if (!member) return null;
  switch (op) {
    case 'getMember': return { member: lookupArgs ?? member };
    case 'getBalance': return { member };
    case 'ledgerPage': return state.ledger.lastArgs ?? { member, pageSize: PAGE_SIZE };
    case 'adjustPoints': {
      const a = adjust.uncertain ?? adjustArgs();
      return { ...a, member, delta: Number.isInteger(a.delta) && a.delta !== 0 ? a.delta : 1, reason: a.reason || 'manual_grant' };
    }
    default: return null;
  }
}

let lastPreview = null;
let lastCurl = '';

async function inspect(op) {
  $('insp-op').value = op;
  const args = inspectArgs(op);
  const outEl = $('insp-out');
  if (!args) {
    showError(new GatewayError('invalid_input', 'enter a member first'));
    return;
  }
  const mode = $('insp-mode').value;
  $('insp-go').disabled = true;
  try {
    const { maskRequest, previewLocally, toCurl } = await inspector();
    const raw = mode === 'local' && settings.sim
      ? await previewLocally({ pkgBase: new URL('./pkg/', import.meta.url), simUrl: settings.sim, vendor }, op, args)
      : await gw.preview(op, args);
    const req = maskRequest(raw);
    lastPreview = req;
    $('insp-source').textContent = mode === 'local'
      ? `由本页 wasm 签名（模拟器测试凭证）· Signed in this page by the wasm package (simulator test credentials) · ${vendor} · ${op}`
      : `由网关签名，页面不持有供应商密钥 · Signed by the gateway; this page holds no vendor secret · ${vendor ?? ''} · ${op}`;
    if (req.operation) $('insp-source').textContent += ` → ${req.operation}`;
    $('insp-line').textContent = `${req.method} ${req.url}`;
    const rows = Object.entries(req.headers).map(([k, v]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = k;
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(th, td);
      return tr;
    });
    $('insp-headers').replaceChildren(...rows);
    $('insp-body').textContent = req.body == null || req.body === '' ? '（无 none）' : prettyBody(req.body);
    $('insp-sts').textContent = req.stringToSign === '' ? '（无 none）' : req.stringToSign;
    $('insp-curl').textContent = toCurl(req);
    lastCurl = $('insp-curl').textContent;
    $('insp-copied').textContent = '';
    outEl.hidden = false;
    clearError();
    $('insp-h').focus();
  } catch (e) {
    showError(e);
  } finally {
    $('insp-go').disabled = false;
  }
}

function prettyBody(body) {
  try { return JSON.stringify(JSON.parse(body), null, 2); } catch { return body; }
}

for (const b of document.querySelectorAll('[data-inspect]')) {
  b.addEventListener('click', () => inspect(b.dataset.inspect));
}
$('insp-go').addEventListener('click', () => inspect($('insp-op').value));
$('insp-copy').addEventListener('click', async () => {
  if (!lastPreview) return;
  const text = lastCurl;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // No clipboard permission (e.g. plain http on a LAN address): select the text instead.
    const pre = $('insp-curl');
    pre.closest('details').open = true;
    getSelection().selectAllChildren(pre);
  }
  $('insp-copied').replaceChildren(ok ? bi('已复制（*** 处需填入真实值）', 'Copied (fill in the *** values)') : bi('请按 Ctrl+C 复制', 'Press Ctrl+C to copy'));
});

// ---------------------------------------------------------------- start
fillSettingsForm();
newAdjustForm();
fillReasons({});
showPendingBanner();
if (settings.gateway) connect();
else $('settings').open = true;
// For tests and support: what the page is connected to (no secrets).
window.jifenAdmin = { get vendor() { return vendor; }, get idempotencyKey() { return adjust.key; } };
