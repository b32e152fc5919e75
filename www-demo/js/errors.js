// Errors in words: every JifenError code (and the gateway's own failures) as a
// sentence a store manager understands, Chinese first. The vendor's code and
// the request id go below it, for support.

const CODES = {
  config: ['积分系统的连接配置有误，请联系技术支持。', 'The points system connection is set up wrongly. Please contact support.'],
  invalid_input: ['填写的内容有误，请检查后再试。', 'Something in the request is not valid. Please check what you entered.'],
  network: ['暂时连不上积分系统，请稍后重试。', 'The points system could not be reached. Please try again shortly.'],
  timeout: ['积分系统没有及时回应，请稍后重试。', 'The points system did not answer in time. Please try again shortly.'],
  http: ['积分系统返回了意外的错误，请稍后重试；如仍失败请联系技术支持。', 'The points system returned an unexpected error. Try again; if it keeps failing, contact support.'],
  vendor: ['积分系统拒绝了这次操作。', 'The points system refused this request.'],
  auth: ['积分系统不接受当前的登录凭证（可能已过期或被更换），请联系技术支持。', 'The points system did not accept our credentials (they may have expired or changed). Please contact support.'],
  signature: ['积分系统认为请求签名不正确，通常是商户密钥配置错误，请联系技术支持。', 'The points system rejected the request signature, usually a wrong merchant key. Please contact support.'],
  rate_limited: ['操作太频繁，积分系统要求稍等片刻。', 'Too many requests: the points system asks us to wait a moment.'],
  unsupported: ['这个积分系统不支持该操作。', 'This points system does not support that operation.'],
  callback_invalid: ['收到的推送未通过校验，已忽略。', 'A push from the points system failed verification and was ignored.'],
  parse: ['积分系统的回复无法识别，操作可能已经生效，请先查看流水。', 'The points system sent a reply we could not read. The change may have gone through: check the ledger first.'],
  outcome_unknown: ['不确定这次调整是否已生效（回复在途中丢失）。请先查看流水；如需重试，将使用同一个幂等键，不会重复入账。',
    'We could not tell whether the change went through (the reply was lost). Check the ledger first; a retry reuses the same idempotency key, so it cannot apply twice.'],
  conflict: ['同一笔调整正在处理中（或上次处理被中断），本次未发送。请稍后用同一个幂等键重试；不要换新键，以免重复入账。',
    'The same adjustment is already being processed (or was interrupted). Nothing was sent this time. Retry shortly with the same key; a new key could apply it twice.'],
  // The gateway's own failures.
  unauthorized: ['员工口令不正确或已停用，请向店长（管理员）要一个新的登录链接。', 'Your staff token is wrong or has been revoked. Ask the store admin for a new sign-in link.'],
  forbidden: ['你的账号没有权限做这件事。', 'Your account is not allowed to do that.'],
  over_limit: ['超出了你的单笔调整上限，请让店长（管理员）来做。', 'This is above your limit for one change. Ask the store admin to make it.'],
  unavailable: ['操作记录暂时无法保存，所以这次调整没有发送。请稍后再试。', 'The audit trail could not be saved, so the change was not sent. Try again shortly.'],
  gateway_unreachable: ['连不上网关，请检查网关地址和网络。', 'The gateway could not be reached. Check the gateway URL and the network.'],
  gateway_http: ['网关返回了意外的错误。', 'The gateway returned an unexpected error.'],
  gateway_bad_reply: ['网关的回复无法识别。', 'The gateway sent a reply we could not read.'],
  not_configured: ['尚未设置网关地址，请打开“设置”。', 'No gateway is set. Open Settings.'],
  not_found: ['网关没有这个功能，可能版本不匹配。', 'The gateway does not offer this; it may be a different version.'],
  method_not_allowed: ['网关不接受这种请求方式，可能版本不匹配。', 'The gateway does not take this kind of request; it may be a different version.'],
  payload_too_large: ['提交的内容太长，请缩短备注等内容。', 'What was sent is too long. Shorten the remark or other text.'],
  unsupported_media_type: ['网关无法读取提交的内容格式。', 'The gateway could not read the format of what was sent.'],
  internal: ['网关内部出错，请联系技术支持并提供下方信息。', 'The gateway hit an internal error. Please contact support with the details below.'],
};

// Vendor business codes worth their own sentence (sim/README.md and the vendor notes).
const NOT_ENOUGH = ['积分不足：扣减后余额会低于零，未做任何更改。', 'Not enough points: the balance would go below zero. Nothing was changed.'];
const NO_MEMBER = ['找不到这个会员，请核对手机号或会员ID。', 'No such member. Check the mobile number or member id.'];
const VENDOR_CODES = {
  kingdee: { 2000002002: NOT_ENOUGH },
  freemud: { 1001: NO_MEMBER, 1002: NOT_ENOUGH, 1003: ['这张订单没有可退回的积分。', 'That order has no points left to reverse.'] },
  qimai: { 50001: NO_MEMBER, 50002: NOT_ENOUGH, 50003: ['找不到要冲正的原业务。', 'The original change to reverse was not found.'],
    50004: ['这笔业务已经冲正过了。', 'That change has already been reversed.'] },
};

/**
 * Codes that prove an adjustment was not applied: refused before it was sent (the gateway's checks,
 * jifen's validation), or refused by the vendor. Every other code, an unknown one, and anything
 * thrown that is not an error from the gateway keep the idempotency key: the change may have
 * been applied, and only a retry with the same key cannot apply it twice.
 */
const DEFINITE = new Set(['invalid_input', 'unsupported', 'vendor', 'auth', 'callback_invalid', 'unauthorized', 'forbidden', 'over_limit', 'unavailable',
  'not_found', 'method_not_allowed', 'payload_too_large', 'unsupported_media_type', 'not_configured']);
/**
 * Definite only where the vendor has no idempotency key (Kingdee: jifen never repeats its write
 * blindly, so these end a call before anything was applied). Where the vendor dedupes, jifen
 * retries after a timeout, so they can follow an attempt that applied: a final 429, Freemud's
 * reply signature under verify=enforce, a platform key refused while checking that reply.
 */
const DEFINITE_WITHOUT_RETRIES = new Set(['rate_limited', 'signature', 'config']);

/**
 * True when an error proves nothing was applied (a new key is then safe). `vendorDedupes`:
 * capabilities' adjustPoints.idempotent; unknown counts as true (the careful answer).
 */
export function isDefinite(err, { vendorDedupes = true } = {}) {
  const code = err?.code;
  return DEFINITE.has(code) || (!vendorDedupes && DEFINITE_WITHOUT_RETRIES.has(code));
}

/** `{ zh, en, code, details: [[label, value]] }` for any thrown value. */
export function describe(err) {
  const code = typeof err?.code === 'string' ? err.code : 'unknown';
  let [zh, en] = CODES[code] ?? ['出现了意外的错误。', 'Something unexpected went wrong.'];
  const special = err?.vendor && err?.vendorCode != null ? VENDOR_CODES[err.vendor]?.[err.vendorCode] : null;
  if (special) [zh, en] = special;
  else if (code === 'vendor' && /不存在|not exist|not found/i.test(err?.message ?? '')) [zh, en] = NO_MEMBER;
  if (code === 'over_limit' && Number.isInteger(err?.limit)) {
    zh = `超出了你的单笔调整上限（${err.limit} 积分），请让店长（管理员）来做。`;
    en = `This is above your limit of ${err.limit} points for one change. Ask the store admin to make it.`;
  }
  if (code === 'forbidden' && /origin/i.test(err?.message ?? '')) {
    [zh, en] = ['本页面无权访问该网关。', 'This page is not allowed to use that gateway.'];
  }
  if (code === 'conflict' && err?.retryable === false) {
    // A key an earlier jifen stored before Kingdee keys were kept per account set: the same key
    // never goes through, and nothing says whether this store's change was applied under it.
    zh = '这个幂等键由旧版本记录，无法确认这笔调整是否已入账，本次未发送。请先查看流水：若没有这笔调整，再重新填写提交。';
    en = 'This idempotency key was recorded by an earlier version, which cannot tell whether the change went through; nothing was sent. Check the ledger first: if the change is not there, start over.';
  }
  if (code === 'rate_limited' && err?.retryAfterMs) {
    const s = Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    zh = `操作太频繁，请 ${s} 秒后再试。`;
    en = `Too many requests: try again in ${s} s.`;
  }
  const details = [];
  if (err?.vendor) details.push(['供应商 Vendor', err.vendor]);
  if (err?.vendorCode != null) details.push(['供应商代码 Vendor code', String(err.vendorCode)]);
  if (err?.requestId) details.push(['请求号 Request id', err.requestId]);
  if (err?.httpStatus) details.push(['HTTP', String(err.httpStatus)]);
  details.push(['错误类型 Code', code]);
  if (err?.message) details.push(['说明 Message', err.message]);
  return { zh, en, code, details };
}

/**
 * Renders `describe(err)` into `el` (text only, never HTML from a server): one sentence (both
 * languages in the DOM, the page shows the current one), the codes folded away under 详情.
 */
export function renderError(el, err) {
  const d = describe(err);
  el.replaceChildren();
  const what = document.createElement('p');
  what.className = 'what';
  what.dataset.code = d.code;
  const zh = document.createElement('span');
  zh.lang = 'zh-CN';
  zh.textContent = d.zh;
  const en = document.createElement('span');
  en.lang = 'en';
  en.textContent = d.en;
  what.append(zh, en);
  const more = document.createElement('details');
  more.className = 'more';
  const summary = document.createElement('summary');
  const sz = document.createElement('span');
  sz.lang = 'zh-CN';
  sz.textContent = '详情（给技术支持）';
  const se = document.createElement('span');
  se.lang = 'en';
  se.textContent = 'Details for support';
  summary.append(sz, se);
  const ids = document.createElement('p');
  ids.className = 'ids';
  ids.textContent = d.details.map(([k, v]) => `${k}: ${v}`).join(' · ');
  more.append(summary, ids);
  el.append(what, more);
  el.hidden = false;
  return d;
}
