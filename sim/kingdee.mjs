// Kingdee 精斗云 (JDY) open API v2, as the simulator plays it.
// Signing rules: `docs/vendors/kingdee.md` (§1, §3, §7, §8). Written from the notes, not from the Rust signer.
import { createHmac } from 'node:crypto';
import {
  safeEqual, randomHex, fmtShanghai, parseShanghai, asInt, asStr, formDecode, clone, jsonReply, rawReply,
  genericDataText, isApiPath, seenLog,
} from './util.mjs';

// ---------------------------------------------------------------- pure signing functions

const ALNUM = /[A-Za-z0-9]/;
function pct(s, keep) {
  let out = '';
  for (const b of Buffer.from(String(s), 'utf8')) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && (ALNUM.test(ch) || keep.includes(ch))) out += ch;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
/** Kingdee's GwURLEncoder: keep A-Z a-z 0-9 - . _ ~, space → '+', else %XX (uppercase). */
export const gwEnc = (s) => pct(s, '-._~');
/** java.net.URLEncoder / form-urlencoded: keep A-Z a-z 0-9 * - . _, space → '+', else %XX. */
export const formEnc = (s) => pct(s, '-._*');

/** Bytewise (code-unit) ascending sort; the strings compared here are ASCII. */
const byteSort = (arr) => arr.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Re-encode a sorted list of once-encoded "k=v" strings into the canonical query (GwEnc both sides). */
function encodeOnceMore(onceEncoded) {
  const out = [];
  for (const p of byteSort(onceEncoded)) {
    const i = p.indexOf('=');
    if (i < 1) continue; // the SDK drops pairs without a name
    out.push(`${gwEnc(p.slice(0, i))}=${gwEnc(p.slice(i + 1))}`);
  }
  return out.join('&');
}

/** Canonical query from decoded [[k, v], ...] pairs: the official SDK's GwEnc(GwEnc(k)) = GwEnc(FormEnc(v)). */
export function canonicalQuery(pairs) {
  return encodeOnceMore(pairs.map(([k, v]) => `${gwEnc(k)}=${formEnc(v)}`));
}

/** The query as the SDK puts it on the wire: sorted, FormEnc'd values. */
export function wireQuery(pairs) {
  return byteSort(pairs.map(([k, v]) => `${gwEnc(k)}=${formEnc(v)}`)).join('&');
}

/** Split a raw query string (as received) into its pieces; never throws. */
export function parseRawQuery(raw) {
  if (!raw) return [];
  return raw.split('&').filter((s) => s.length > 0).map((piece) => {
    const i = piece.indexOf('=');
    const rawK = i < 0 ? piece : piece.slice(0, i);
    const rawV = i < 0 ? '' : piece.slice(i + 1);
    return { raw: piece, rawK, rawV, k: formDecode(rawK), v: formDecode(rawV) };
  });
}

export function stringToSign(method, path, canonical, nonce, timestamp) {
  return `${String(method).toUpperCase()}\n${gwEnc(path)}\n${canonical}\nx-api-nonce:${nonce}\nx-api-timestamp:${timestamp}\n`;
}

/** Base64(lowercase_hex(HMAC-SHA256(key, msg))): always 88 chars. */
export function hexB64Hmac(key, msg) {
  const hex = createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(msg, 'utf8')).digest('hex');
  return Buffer.from(hex, 'ascii').toString('base64');
}

export const xApiSignature = (clientSecret, sts) => hexB64Hmac(clientSecret, sts);
/** app_signature = Base64(hex(HMAC-SHA256(appSecret, appKey))). */
export const appSignature = (appKey, appSecret) => hexB64Hmac(appSecret, appKey);

/**
 * Verify X-Api-Signature for a request as received. Two readings of the query are accepted:
 *  - "decoded":  decode each wire pair, re-apply the SDK's encoders (GwEnc(FormEnc(v)));
 *  - "wire":     GwEnc the raw wire k=v strings once more (docs/vendors/kingdee.md §8.1: what the server probably does).
 * Both sort the pairs, so the wire order does not matter. Returns { ok, variant, candidates }.
 */
export function verifyKingdeeSignature({ method, path, rawQuery, nonce, timestamp, signature, clientSecret }) {
  const pieces = parseRawQuery(rawQuery || '');
  const decoded = canonicalQuery(pieces.map((p) => [p.k, p.v]));
  const wire = encodeOnceMore(pieces.map((p) => `${p.rawK}=${p.rawV}`));
  const candidates = [{ variant: 'decoded', canonical: decoded }];
  if (wire !== decoded) candidates.push({ variant: 'wire', canonical: wire });
  for (const c of candidates) {
    c.stringToSign = stringToSign(method, path, c.canonical, nonce, timestamp);
    c.signature = xApiSignature(clientSecret, c.stringToSign);
    if (safeEqual(c.signature, signature || '')) return { ok: true, variant: c.variant, candidates };
  }
  return { ok: false, variant: null, candidates };
}

// ---------------------------------------------------------------- the simulated vendor

export const OPERATIONS = {
  1: '积分消费', 2: '积分抵现', 3: '积分兑换', 4: '充值赠送', 5: '促销赠送', 6: '打卡赠送',
  7: '到期清零', 8: '退款', 9: '购买积分', 10: '积分购买退款', 11: '会员签到赠送',
};
const typeId = (op) => String(1500000000000000000n + BigInt(op));

const TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;
export const KINGDEE_CODES = {
  AUTH_VERSION: 4001, CLIENT_ID_EMPTY: 4002, CLIENT_ID_INVALID: 4003, TIMESTAMP: 4006, SIGN_HEADERS: 4007,
  SIGNATURE: 4008, TOKEN_EMPTY: 4009, TOKEN_INVALID: 4010, TOKEN_EXPIRED: 4011, NO_PERMISSION: 4012,
  INTERNAL: 5000, NOT_FOUND: 5001, METHOD: 5002, OVERLOAD: 5007,
  APP_SIGNATURE: 1030002006, SYSTEM: 2000002000, PARAM: 2000002001, INSUFFICIENT: 2000002002,
};

const ROUTES = {
  '/jdyconnector/app_management/push_app_authorize': { method: 'POST', kind: 'authorize' },
  '/jdyconnector/app_management/kingdee_auth_token': { method: 'GET', kind: 'token' },
  '/jdy/v2/ls/integral_adjust': { method: 'POST', kind: 'business' },
  '/jdy/v2/ls/integral_record': { method: 'GET', kind: 'business' },
  '/jdy/v2/ls/account_balance_info': { method: 'GET', kind: 'business' },
};

/** The route of a path: a known one, or any other JDY v2 API (GET or POST) as `generic`. */
function routeOf(path, method) {
  if (ROUTES[path]) return ROUTES[path];
  if (isApiPath(path, '/jdy/v2/')) return { method: method === 'GET' || method === 'POST' ? method : 'GET or POST', kind: 'generic' };
  return null;
}

function gw(errcode, description, description_cn, status = 519, headers = {}) {
  return jsonReply(status, { errcode, description, description_cn }, headers, `errcode=${errcode}`);
}
const biz = (errcode, description, data) => jsonReply(200, data === undefined ? { errcode, description } : { errcode, description, data }, {}, `errcode=${errcode}`);

export function createKingdee({ account, seed, now }) {
  let st;
  const seen = seenLog();
  const config = { tokenTtlMs: 24 * 3600 * 1000, tokenRatePerMin: 2 };

  function reset() {
    const members = clone(seed.members).map((m) => ({ ...m, modify_time: m.register_time }));
    const byMobile = new Map(members.map((m) => [m.mobile, m]));
    // Seeded ledger rows carry only the delta; rebuild last/after so they end at the seeded balance.
    const rows = [];
    let nextId = 1600000000000000001n;
    const seeded = clone(seed.ledger).sort((a, b) => (a.create_time < b.create_time ? -1 : 1));
    const running = new Map(members.map((m) => [m.id, m.balance - seeded.filter((r) => r.mobile === m.mobile).reduce((s, r) => s + r.occur, 0)]));
    for (const r of seeded) {
      const m = byMobile.get(r.mobile);
      const last = running.get(m.id);
      running.set(m.id, last + r.occur);
      const t = parseShanghai(r.create_time);
      rows.push({ id: String(nextId++), member_id: m.id, time: t, last, occur: r.occur, after: last + r.occur, operation: r.operation });
    }
    st = {
      appSecret: account.appSecret,
      members, rows, nextId,
      tokens: new Map(),
      tokenCalls: new Map(),
      tokenHits: 0,
      tokenStormHits: 0,
      stormUntil: 0,
      stormRetryAfter: null,
    };
    config.tokenTtlMs = 24 * 3600 * 1000;
    config.tokenRatePerMin = 2;
    seen.clear();
  }
  reset();

  const withRequestId = (reply) => {
    reply.headers['X-Api-Requestid'] = randomHex(16);
    return reply;
  };

  /** Gateway checks shared by every route. Returns a 519 reply, or null when the request passes. */
  function gatewayAuth(req) {
    const h = req.headers;
    const clientId = h['x-api-clientid'];
    if (!clientId) return gw(4002, 'Unauthorized, APP_ID is empty[GW]', 'X-Api-ClientID为空');
    if (clientId !== account.clientId) return gw(4003, 'Unauthorized, X-Api-ClientID is invalid[GW]', 'X-Api-ClientID无效');
    if (h['x-api-auth-version'] !== '2.0') return gw(4001, 'Unauthorized, X-Api-Auth-Version is not supported[GW]', 'X-Api-Auth-Version不支持');
    const ts = h['x-api-timestamp'];
    if (!ts || !/^\d{1,16}$/.test(ts) || Math.abs(Number(ts) - now()) > TIMESTAMP_WINDOW_MS) {
      return gw(4006, `Unauthorized, errDescEn: X-Api-TimeStamp is invalid: ${String(ts ?? '').slice(0, 32)}[GW]`, 'X-Api-TimeStamp过期');
    }
    const nonce = h['x-api-nonce'];
    if (!nonce || !/^\d{1,19}$/.test(nonce) || !/[1-9]/.test(nonce)) {
      return gw(4007, 'Unauthorized, X-Api-Nonce is invalid[GW]', 'X-Api-Nonce无效');
    }
    const signHeaders = (h['x-api-signheaders'] || '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean).sort();
    if (signHeaders.join(',') !== 'x-api-nonce,x-api-timestamp') {
      return gw(4007, 'Unauthorized, X-Api-SignHeaders is invalid[GW]', 'X-Api-SignHeaders无效');
    }
    const v = verifyKingdeeSignature({
      method: req.method, path: req.path, rawQuery: req.rawQuery, nonce, timestamp: ts,
      signature: h['x-api-signature'], clientSecret: account.clientSecret,
    });
    if (!v.ok) return gw(4008, 'Unauthorized, X-Api-Signature is invalid[GW]', 'X-Api-Signature无效');
    return null;
  }

  function tokenCheck(req) {
    const token = req.headers['app-token'];
    if (!token) return gw(4009, 'Unauthorized, app-token is empty[GW]', 'app-token为空');
    const rec = st.tokens.get(token);
    if (!rec) return gw(4010, 'Unauthorized, app-token is invalid[GW]', 'app-token无效');
    if (rec.expires <= now()) return gw(4011, 'Unauthorized, app-token is expired[GW]', 'app-token已过期');
    if (req.headers['x-gw-router-addr'] !== account.domain) {
      return gw(4012, 'No permission: X-GW-Router-Addr does not match the account set domain[GW]', 'X-GW-Router-Addr与账套域名不符');
    }
    return null;
  }

  const query = (req) => {
    const q = {};
    for (const p of parseRawQuery(req.rawQuery)) if (!(p.k in q)) q[p.k] = p.v;
    return q;
  };

  function authorizeRows() {
    const base = { groupName: '模拟集团', accountId: '1790000000000000001', serviceId: '8801', outerInstanceId: account.outerInstanceId, clientId: account.clientId, accountName: '模拟账套(sim)' };
    return [
      { appKey: `${account.appKey}Old`, appSecret: 'sim-stale-app-secret-not-real', domain: account.domain, ...base, status: 0 },
      { appKey: account.appKey, appSecret: st.appSecret, domain: account.domain, ...base, status: 1 },
    ];
  }

  function issueToken(req) {
    const q = query(req);
    const appKey = q.app_key || '';
    st.tokenHits += 1;
    const t = now();
    // A 429 storm (POST /_sim/kingdee/token-storm): every token call refused until stormUntil.
    if (st.stormUntil > t) {
      const retry = st.stormRetryAfter ?? Math.max(1, Math.ceil((st.stormUntil - t) / 1000));
      st.tokenStormHits += 1;
      return gw(5007, 'Too Many Requests: token endpoint overloaded[GW] (sim token storm)', '请求过于频繁', 429, { 'Retry-After': String(retry) });
    }
    // token endpoint rate limit: N accepted calls per rolling minute per app_key
    const calls = (st.tokenCalls.get(appKey) || []).filter((x) => x > t - 60000);
    if (config.tokenRatePerMin > 0 && calls.length >= config.tokenRatePerMin) {
      const retry = Math.max(1, Math.ceil((calls[0] + 60000 - t) / 1000));
      st.tokenCalls.set(appKey, calls);
      return gw(5007, 'Too Many Requests: token endpoint allows 2 calls per minute[GW]', '请求过于频繁', 429, { 'Retry-After': String(retry) });
    }
    calls.push(t);
    st.tokenCalls.set(appKey, calls);
    if (appKey !== account.appKey || !safeEqual(q.app_signature || '', appSignature(account.appKey, st.appSecret))) {
      return biz(1030002006, '授权密钥校验失败');
    }
    const uid = q.uid ? String(q.uid).slice(0, 10) : '173053163';
    const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'HS256' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ appKey, uid, iat: t, sim: true })).toString('base64url');
    const token = `${header}.${payload}.${randomHex(16)}`;
    const expires = t + config.tokenTtlMs;
    st.tokens.set(token, { appKey, uid, issuedAt: t, expires });
    return biz(0, '成功', { access_token: randomHex(16), 'app-token': token, expires, uid: Number(uid) || uid });
  }

  function memberOf(id) { return st.members.find((m) => m.id === id); }

  function adjust(req) {
    let body;
    try { body = JSON.parse(req.body || ''); } catch { return biz(2000002000, '系统错误: 请求体不是合法的JSON'); }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return biz(2000002000, '系统错误: 请求体不是合法的JSON');
    const mobile = asStr(body.mobile);
    const integral = asInt(body.integral);
    const operation = asInt(body.operation);
    if (!mobile) return biz(2000002001, '参数mobile不能为空');
    if (integral === null || integral === 0) return biz(2000002001, `参数integral[${String(body.integral ?? '')}]无效，须为非零整数`);
    if (operation === null || !OPERATIONS[operation]) return biz(2000002001, `参数operation[${String(body.operation ?? '')}]无效，取值1-11`);
    const m = st.members.find((x) => x.mobile === mobile);
    if (!m) return biz(2000002001, `会员mobile[${mobile}]不存在`);
    if (m.balance + integral < 0) return biz(2000002002, `会员积分不足，当前可用积分${m.balance}，调整值${integral}`);
    const t = now();
    const last = m.balance;
    m.balance += integral;
    if (integral > 0) { m.total += integral; m.level_total += integral; }
    m.modify_time = fmtShanghai(t);
    st.rows.push({ id: String(st.nextId++), member_id: m.id, time: t, last, occur: integral, after: m.balance, operation });
    return jsonReply(200, { data: {}, description: 'success', errcode: 0 }, {}, `errcode=0 ${mobile} ${integral > 0 ? '+' : ''}${integral} → ${m.balance}`);
  }

  function rowOut(r) {
    const m = memberOf(r.member_id);
    const time = fmtShanghai(r.time);
    return {
      id: r.id, member_id: r.member_id, member_name: m ? m.name : '', create_time: time, modify_time: time,
      last_integral: String(r.last), occur: String(r.occur), integral: String(r.after),
      type_id: typeId(r.operation), type_number: String(r.operation), type_name: OPERATIONS[r.operation],
    };
  }

  function record(req) {
    const q = query(req);
    const page = q.page === undefined || q.page === '' ? 1 : asInt(q.page);
    const pageSize = q.page_size === undefined || q.page_size === '' ? 10 : asInt(q.page_size);
    if (page === null || page < 1) return biz(2000002001, `参数page[${q.page}]无效`);
    if (pageSize === null || pageSize < 1) return biz(2000002001, `参数page_size[${q.page_size}]无效`);
    let start = null; let end = null;
    if (q.start_date) { start = parseShanghai(q.start_date); if (start === null) return biz(2000002001, `参数start_date[${q.start_date}]格式错误，应为yyyy-MM-dd HH:mm:ss`); }
    if (q.end_date) { end = parseShanghai(q.end_date, { endOfDay: true }); if (end === null) return biz(2000002001, `参数end_date[${q.end_date}]格式错误，应为yyyy-MM-dd HH:mm:ss`); }
    let rows = st.rows.slice();
    if (q.member_id) rows = rows.filter((r) => r.member_id === q.member_id);
    if (q.mobile) { const m = st.members.find((x) => x.mobile === q.mobile); rows = m ? rows.filter((r) => r.member_id === m.id) : []; }
    if (q.id) rows = rows.filter((r) => r.id === q.id);
    if (q.integral_type) rows = rows.filter((r) => String(r.operation) === q.integral_type || typeId(r.operation) === q.integral_type);
    if (start !== null) rows = rows.filter((r) => r.time >= start);
    if (end !== null) rows = rows.filter((r) => r.time <= end);
    rows.sort((a, b) => (b.time - a.time) || (BigInt(b.id) > BigInt(a.id) ? 1 : -1)); // newest first
    const effective = Math.min(pageSize, 100); // silently truncated (docs/vendors/kingdee.md §7.3)
    const totalPage = Math.ceil(rows.length / pageSize); // …but computed from the requested size
    const pageRows = rows.slice((page - 1) * effective, page * effective).map(rowOut);
    return biz(0, 'success', {
      count: String(rows.length), total_page: totalPage, page, page_size: pageSize, cur_page_size: pageRows.length, rows: pageRows,
    });
  }

  function balance(req) {
    const q = query(req);
    if (!q.member_id && !q.member_card_id) return biz(2000002001, '参数member_id不能为空');
    let m = q.member_id ? memberOf(q.member_id) : st.members.find((x) => x.card_id === q.member_card_id);
    if (m && q.member_card_id && m.card_id !== q.member_card_id) m = null;
    if (!m) return biz(2000002001, `会员[${q.member_id || q.member_card_id}]不存在`);
    const member = { db_modify_time: m.modify_time, id: m.id, mobile: m.mobile, name: m.name };
    return biz(0, 'success', {
      integral: {
        member, mb_card: { card_no: m.card_no, db_modify_time: m.modify_time, id: m.card_id },
        total: String(m.total), level_total: String(m.level_total), last: String(m.balance), pre: String(m.pre), usable: String(m.balance),
      },
      recharge: {
        accu_gift: '0', accu_recharge: '0', available_gift: '0', available_recharge: '0', gift_amt: '0',
        member, pre_ver_gift: '0', pre_ver_recharge: '0', re_charge_amt: '0',
      },
      credit: null,
    });
  }

  /**
   * The vendor gateway's checks at the moment a request arrives (route, signature, timestamp
   * window, token): a refusal, or null when the request is let in. A write let in here that
   * lands later (fault apply_late) goes through `handle` then, checks included: a request
   * still in transit when its X-Api-TimeStamp leaves the 5-minute window is refused (4006).
   */
  function admit(req) {
    const route = routeOf(req.path, req.method);
    if (!route) return withRequestId(gw(5001, 'API not found[GW]', 'API不存在', 519));
    if (req.method !== route.method) return withRequestId(gw(5002, 'Method not allowed[GW]', '请求方法不允许', 519));
    const denied = gatewayAuth(req);
    if (denied) return withRequestId(denied);
    if (route.kind === 'business') {
      const tokenDenied = tokenCheck(req);
      if (tokenDenied) return withRequestId(tokenDenied);
    }
    return null;
  }

  /** What a verified request carried: its query (decoded) and JSON body. */
  function remember(req) {
    let body = null;
    if (req.body) { try { body = JSON.parse(req.body); } catch { body = req.body; } }
    const entry = { method: req.method, path: req.path, query: query(req), body };
    seen.add(entry);
    return entry;
  }

  /** An API outside the table: errcode 0 with what the sim received. */
  function generic(entry) {
    return rawReply(200, `{"errcode":0,"description":"success","data":${genericDataText(entry)}}`, {}, `errcode=0 generic ${entry.method} ${entry.path}`);
  }

  function handle(req) {
    const route = routeOf(req.path, req.method);
    if (!route) return withRequestId(gw(5001, 'API not found[GW]', 'API不存在', 519));
    if (req.method !== route.method) return withRequestId(gw(5002, 'Method not allowed[GW]', '请求方法不允许', 519));
    const denied = gatewayAuth(req);
    if (denied) return withRequestId(denied);
    if (route.kind === 'authorize') {
      const q = query(req);
      const rows = q.outerInstanceId === account.outerInstanceId ? authorizeRows() : [];
      return withRequestId(jsonReply(200, { code: 200, msg: 'success', data: rows }, {}, `rows=${rows.length}`));
    }
    if (route.kind === 'token') return withRequestId(issueToken(req));
    const tokenDenied = tokenCheck(req);
    if (tokenDenied) return withRequestId(tokenDenied);
    const entry = remember(req);
    if (route.kind === 'generic') return withRequestId(generic(entry));
    if (req.path === '/jdy/v2/ls/integral_adjust') return withRequestId(adjust(req));
    if (req.path === '/jdy/v2/ls/integral_record') return withRequestId(record(req));
    return withRequestId(balance(req));
  }

  function faultReply(kind, fault) {
    if (kind === 'status') return withRequestId(gw(5000, 'Internal service fail[GW] (sim fault)', '内部服务错误', fault.status));
    if (kind === 'rate_limit') return withRequestId(gw(5007, 'API request overload[GW] (sim fault)', '请求过载', 429, { 'Retry-After': String(fault.retryAfter) }));
    return withRequestId({ status: 200, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: fault.body ?? '{"errcode":0,"description":"success","data":{"cou', note: 'malformed' });
  }

  /** POST /_sim/kingdee/<name> controls. */
  function control(name, body) {
    if (name === 'expire-tokens') {
      const t = now();
      for (const rec of st.tokens.values()) rec.expires = Math.min(rec.expires, t);
      return { expired: st.tokens.size };
    }
    if (name === 'token-storm') {
      // {ms, retryAfter?}: the token endpoint answers 429 (Retry-After: retryAfter s, default the
      // storm's remaining seconds) for the next `ms` of sim time; {ms: 0} ends a storm.
      const ms = body.ms ?? 60000;
      if (!Number.isSafeInteger(ms) || ms < 0 || ms > 3600000) throw new Error('ms must be an integer 0..3600000');
      if (body.retryAfter !== undefined && (!Number.isSafeInteger(body.retryAfter) || body.retryAfter < 0)) throw new Error('retryAfter must be a non-negative integer (seconds)');
      st.stormUntil = now() + ms;
      st.stormRetryAfter = body.retryAfter ?? null;
      return { until: st.stormUntil, retryAfter: st.stormRetryAfter };
    }
    if (name === 'rotate-secret') { st.appSecret = `sim-app-secret-${randomHex(6)}-not-real`; return { rotated: true }; }
    if (name === 'config') {
      if (body.tokenTtlMs !== undefined) {
        if (!Number.isSafeInteger(body.tokenTtlMs) || body.tokenTtlMs < 0) throw new Error('tokenTtlMs must be a non-negative integer');
        config.tokenTtlMs = body.tokenTtlMs;
      }
      if (body.tokenRatePerMin !== undefined) {
        if (!Number.isSafeInteger(body.tokenRatePerMin) || body.tokenRatePerMin < 0) throw new Error('tokenRatePerMin must be a non-negative integer (0 = unlimited)');
        config.tokenRatePerMin = body.tokenRatePerMin;
      }
      return { ...config };
    }
    return undefined;
  }

  function state() {
    return {
      config: { ...config },
      appSecret: st.appSecret,
      members: st.members.map((m) => ({ ...m })),
      ledger: st.rows.slice().sort((a, b) => (b.time - a.time) || (BigInt(b.id) > BigInt(a.id) ? 1 : -1)).map(rowOut),
      tokens: [...st.tokens.entries()].map(([token, r]) => ({ token, ...r, expired: r.expires <= now() })),
      counters: { tokenEndpointHits: st.tokenHits, tokenStormHits: st.tokenStormHits },
      seen: seen.toJSON(),
    };
  }

  return { name: 'kingdee', reset, admit, handle, faultReply, control, state, requestIdHeader: true };
}
