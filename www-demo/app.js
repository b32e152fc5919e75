// The admin page: look a member up, read the balance and the ledger, adjust
// points, and inspect the signed vendor request of any action. Everything
// goes through the gateway; no framework, no build step.
import { Gateway, GatewayError } from './js/gateway.js';
import { describe, isDefinite, renderError } from './js/errors.js';
import { balanceChart } from './js/chart.js';
import { maskRequest, previewLocally, toCurl } from './js/inspector.js';
import { num, signed, time, REASONS, reasonGroup, reasonLabel } from './js/format.js';

const $ = (id) => document.getElementById(id);

// What each vendor's unified calls take beyond the contract's common ground
// (from capabilities().operations[…].note): Kingdee finds a member only by
// member id plus card id, and its adjust has no order id or remark; Qimai's
// has no order id (the remark is sent as its reason).
const VENDOR_FORM = {
  kingdee: { lookupNeedsCard: true, adjustFields: [] },
  freemud: { lookupNeedsCard: false, adjustFields: ['orderId', 'remark'] },
  qimai: { lookupNeedsCard: false, adjustFields: ['remark'] },
};
const formFor = (v) => VENDOR_FORM[v] ?? { lookupNeedsCard: false, adjustFields: ['orderId', 'remark'] };

function applyVendorForm() {
  const f = formFor(vendor);
  $('lookup-card-wrap').hidden = !f.lookupNeedsCard;
  $('lookup-card-help').hidden = !f.lookupNeedsCard;
  $('lookup-card').required = f.lookupNeedsCard;
  // Kingdee has no lookup by mobile or card number: only member id + card id.
  for (const o of $('lookup-kind').options) o.disabled = f.lookupNeedsCard && !['auto', 'id'].includes(o.value);
  if (f.lookupNeedsCard) $('lookup-kind').value = 'id';
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

function showError(err, prefix) {
  renderError($('error'), err, prefix);
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
  $('conn-text').textContent = '连接中… Connecting…';
  try {
    caps = await gw.capabilities();
    vendor = caps.vendor;
    fillReasons(caps.reasons ?? {});
    applyVendorForm();
    $('adj-note').textContent = caps.operations?.adjustPoints?.note ? `${vendor}: ${caps.operations.adjustPoints.note}` : '';
    conn.classList.add('ok');
    $('conn-text').textContent = `${settings.gateway} · ${vendor}`;
    clearError();
    return true;
  } catch (e) {
    conn.classList.add('bad');
    $('conn-text').textContent = '未连接 Not connected';
    showError(e, '连接网关 Connecting');
    if (e.code === 'unauthorized' || e.code === 'not_configured' || e.code === 'gateway_unreachable') $('settings').open = true;
    return false;
  }
}

$('settings-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  settings = { gateway: $('set-gateway').value.trim(), token: $('set-token').value, sim: $('set-sim').value.trim() };
  sessionStorage.setItem(STORE, JSON.stringify(settings));
  gw = new Gateway(settings);
  fillSettingsForm();
  if (await connect()) $('settings').open = false;
});

// ---------------------------------------------------------------- reasons
function fillReasons(reasons) {
  const sel = $('adj-reason');
  const keep = sel.value;
  sel.replaceChildren();
  for (const [g, { label, items }] of Object.entries(REASONS)) {
    const og = document.createElement('optgroup');
    og.label = label;
    for (const [id, [zh, en]] of Object.entries(items)) {
      const o = document.createElement('option');
      o.value = id;
      const vendorName = reasons[id]?.name;
      const unsupported = id in reasons && reasons[id] === null;
      o.textContent = `${zh} ${en}${vendorName && vendorName !== id ? ` · ${vendorName}` : ''}${unsupported ? '（不支持 unsupported）' : ''}`;
      o.disabled = unsupported;
      og.append(o);
    }
    if (og.children.length) sel.append(og);
    void g;
  }
  const firstOk = [...sel.options].find((o) => !o.disabled);
  sel.value = keep && !sel.querySelector(`option[value="${keep}"]`)?.disabled ? keep : firstOk?.value ?? '';
}

// ---------------------------------------------------------------- lookup
function parseLookup(kind, q) {
  q = q.trim();
  const card = $('lookup-card').value.trim();
  if (formFor(vendor).lookupNeedsCard && card) return { id: q, cardId: card };
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
  const btn = $('lookup-btn');
  btn.disabled = true;
  delete $('member-area').dataset.loaded;
  clearError();
  try {
    const card = await gw.getMember(lookupArgs);
    state.card = card;
    // Both keys where known: some vendors need the id, others the mobile.
    state.member = { ...lookupArgs };
    if (card.id) state.member.id = String(card.id);
    if (card.mobile) state.member.mobile = String(card.mobile);
    renderCard();
    $('member-area').hidden = false;
    newAdjustForm();
    $('adj-result').replaceChildren();
    restorePending();
    await Promise.all([refreshBalance(), resetLedger()]);
    $('member-area').dataset.loaded = String(Date.now()); // card, balance and first ledger page are in
  } catch (e) {
    $('member-area').hidden = true;
    state.member = null;
    showError(e, '查找会员 Lookup');
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
  const pts = state.balance?.available ?? c.points;
  $('m-points').textContent = num(pts);
}

async function refreshBalance() {
  try {
    state.balance = await gw.getBalance(state.member);
  } catch (e) {
    state.balance = null;
    if (e.code !== 'unsupported') showError(e, '读取余额 Balance');
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
  L.cursor = null;
  L.done = false;
  L.loading = false;
  $('ledger-body').replaceChildren();
  renderChart();
  await loadMoreLedger();
}

async function loadMoreLedger() {
  const L = state.ledger;
  if (L.loading || L.done || !state.member) return;
  L.loading = true;
  const gen = L.gen;
  const args = ledgerArgs(L.cursor);
  L.lastArgs = args;
  $('ledger-status').textContent = '加载中… Loading…';
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
    $('ledger-status').textContent = L.entries.length === 0 ? '没有记录。No entries.'
      : `已显示 ${L.entries.length} 条${L.done ? '（全部）' : ''}。Showing ${L.entries.length}${L.done ? ' (all)' : ''}.`;
  } catch (e) {
    if (gen !== L.gen) return;
    $('ledger-status').textContent = '';
    showError(e, '读取流水 Ledger');
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
    frag.append(tr);
  }
  $('ledger-body').append(frag);
}

function renderChart() {
  const c = balanceChart(state.ledger.entries);
  $('chart-fig').hidden = !c;
  $('chart').replaceChildren(...(c ? [c.svg] : []));
  if (c) {
    $('chart-cap').textContent = `余额走势：${time(c.first.at)} 为 ${num(c.first.v)}，${time(c.last.at)} 为 ${num(c.last.v)}（最低 ${num(c.min)}，最高 ${num(c.max)}）。`
      + ` Balance over time: ${num(c.first.v)} at ${time(c.first.at)}, ${num(c.last.v)} at ${time(c.last.at)} (low ${num(c.min)}, high ${num(c.max)}).`;
  }
}

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
    showError(new GatewayError('invalid_input', '开始日期晚于结束日期 · the start date is after the end date'), '筛选 Filter');
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
  what.textContent = `这笔调整（${signed(a.delta)}，${reasonLabel(a.reason)}）已提交，但结果未知：等待回复时页面被刷新或关闭，或另一个标签页仍在提交。 `
    + `The outcome of this submitted change (${signed(a.delta)}) is not known: the page was reloaded or closed while waiting, or another tab is still sending it.`;
  out.replaceChildren(what, nextStep(vendorDedupes()));
  out.hidden = false;
}

/** After an unknown outcome: the submission `a` is kept with its key, the form frozen for its retry. */
function freezeUncertain(a, safe) {
  adjust.uncertain = a;
  adjust.retrySafe = safe;
  for (const id of ['adj-delta', 'adj-reason', 'adj-order', 'adj-remark']) $(id).disabled = true;
  $('adj-review').replaceChildren('重试 ', Object.assign(document.createElement('span'), { lang: 'en', textContent: 'Retry' }));
  $('adj-new').hidden = false;
  $('adj-review').hidden = !safe;
}

/** What to do after an unknown outcome, as a paragraph. */
function nextStep(safe) {
  const p = document.createElement('p');
  p.className = 'next';
  p.textContent = safe
    ? '这次调整可能已经生效。可直接点“重试”：使用同一个幂等键，不会重复入账。 The change may have gone through. Retry is safe: it reuses the same idempotency key.'
    : '这次调整可能已经生效，而该积分系统不识别重复请求，所以不能直接重试。请查看下方流水：若已有这笔调整，无需再做；若没有，点“已核对流水，重新填写”。 The change may have gone through, and this points system cannot recognise a repeat, so it cannot simply be retried. Check the ledger below: if the change is there, you are done; if not, choose “start over”.';
  return p;
}

function newAdjustForm() {
  adjust.key = crypto.randomUUID();
  adjust.uncertain = null;
  $('adj-key').textContent = adjust.key;
  for (const id of ['adj-delta', 'adj-reason', 'adj-order', 'adj-remark']) $(id).disabled = false;
  $('adj-review').replaceChildren('核对 ', Object.assign(document.createElement('span'), { lang: 'en', textContent: 'Review' }));
  $('adj-new').hidden = true;
  $('adj-review').hidden = false;
}
$('adj-new').addEventListener('click', () => {
  // The user has checked the ledger: this submission is settled.
  dropPending(adjust.uncertain?.idempotencyKey ?? adjust.key);
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
  if (!a.reason) return ['请选择原因。', 'Choose a reason.'];
  const g = reasonGroup(a.reason);
  if (g === 'earn' && a.delta < 0) return ['这个原因只能增加积分；扣减请选择“扣减”类原因。', 'This reason only adds points; choose a spending reason to take points away.'];
  if (g === 'spend' && a.delta > 0) return ['这个原因只能扣减积分；增加请选择“增加”类原因。', 'This reason only takes points away; choose an earning reason to add points.'];
  return null;
}

/** Whether the vendor itself recognises a repeated idempotency key (capabilities). */
function vendorDedupes() { return caps?.operations?.adjustPoints?.idempotent !== false; }

/**
 * Whether retrying an uncertain adjustment with the same key is safe: the vendor dedupes on it,
 * or the key is held by another request (`conflict`: nothing was sent; the holder's result is
 * replayed once recorded, and a claimed key is never sent twice).
 */
function retrySafe(e) { return vendorDedupes() || e?.code === 'conflict'; }

function currentPoints() { return state.balance?.available ?? state.card?.points; }

$('adjust-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (adjust.inFlight) return;
  const a = adjustArgs();
  const bad = validateAdjust(a);
  const out = $('adj-result');
  if (bad) {
    out.className = 'result bad';
    out.textContent = `${bad[0]} ${bad[1]}`;
    $('adj-delta').focus();
    return;
  }
  out.replaceChildren();
  const c = state.card ?? {};
  $('c-member').textContent = `${c.name ?? ''} ${c.mobile ?? ''} (${c.id ?? ''})`.trim();
  $('c-delta').textContent = signed(a.delta);
  $('c-reason').textContent = reasonLabel(a.reason) + (a.orderId ? ` · 订单 ${a.orderId}` : '');
  const now = currentPoints();
  $('c-after').textContent = typeof now === 'number' ? `${num(now)} → ${num(now + a.delta)}` : '—';
  $('c-note').textContent = !adjust.uncertain ? `幂等键 Idempotency key ${adjust.key}`
    : adjust.retrySafe
      ? `这是对上次结果未知的操作的重试，使用同一个幂等键 ${adjust.key}，不会重复入账。 A retry of the last submission whose outcome was unknown, with the same idempotency key: it cannot apply twice.`
      : `注意：该积分系统不支持幂等键。请先在流水中确认上次操作未生效，否则重试会重复入账。 Careful: this points system cannot recognise a repeated request. Check the ledger first: if the last change is there, a retry applies it twice.`;
  $('confirm-ok').disabled = false;
  $('confirm').showModal();
  $('confirm-cancel').focus();
});

$('confirm-ok').addEventListener('click', async () => {
  if (adjust.inFlight) return; // a double click, or Enter held down
  adjust.inFlight = true;
  $('confirm-ok').disabled = true;
  $('adj-review').disabled = true;
  const a = adjust.uncertain ?? adjustArgs();
  const out = $('adj-result');
  out.className = 'result';
  out.textContent = '提交中… Submitting…';
  savePending(a);
  try {
    const r = await gw.adjust(a);
    // Definite: applied (or the vendor's stored answer to this key). A new form, a new key.
    dropPending(a.idempotencyKey);
    $('adj-delta').value = '';
    $('adj-order').value = '';
    $('adj-remark').value = '';
    newAdjustForm();
    if (typeof r.balance === 'number') {
      state.balance = { ...(state.balance ?? {}), available: r.balance };
      renderCard();
      $('b-available').textContent = num(r.balance);
    }
    // Re-read: some vendors return no balance with the change.
    await Promise.all([refreshBalance(), resetLedger()]);
    const after = typeof r.balance === 'number' ? r.balance : state.balance?.available ?? null;
    out.className = 'result';
    out.textContent = `${r.applied === false ? '未变动' : '已完成'}：${signed(a.delta)}（${reasonLabel(a.reason)}）。`
      + `${after !== null ? `新余额 ${num(after)}。` : ''} Done: ${signed(a.delta)}.${after !== null ? ` New balance ${num(after)}.` : ''}`
      + `${r.vendorRef ? ` · 供应商单号 Vendor ref ${r.vendorRef}` : ''}`;
    out.dataset.outcome = 'applied';
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
    renderError(out, e, '调整积分 Adjust');
    if (!definite) out.append(nextStep(retrySafe(e)));
    out.hidden = false;
    void d;
  } finally {
    adjust.inFlight = false;
    $('adj-review').disabled = false;
    $('confirm').close();
    $('adj-review').focus();
  }
});

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

async function inspect(op) {
  $('insp-op').value = op;
  const args = inspectArgs(op);
  const outEl = $('insp-out');
  if (!args) {
    showError(new GatewayError('invalid_input', 'enter a member first'), '请求查看器 Inspector');
    return;
  }
  const mode = $('insp-mode').value;
  $('insp-go').disabled = true;
  try {
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
    $('insp-copied').textContent = '';
    outEl.hidden = false;
    clearError();
    $('insp-h').focus();
  } catch (e) {
    showError(e, '请求查看器 Inspector');
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
  const text = toCurl(lastPreview);
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
  $('insp-copied').textContent = ok ? '已复制（*** 处需填入真实值）Copied (fill in the *** values)' : '请按 Ctrl+C 复制 Press Ctrl+C to copy';
});

// ---------------------------------------------------------------- start
fillSettingsForm();
newAdjustForm();
fillReasons({});
if (settings.gateway) connect();
else $('settings').open = true;
// For tests and support: what the page is connected to (no secrets).
window.jifenAdmin = { get vendor() { return vendor; }, get idempotencyKey() { return adjust.key; } };
