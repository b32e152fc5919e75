// Freemud 非码 (开个店 open platform), as the simulator plays it.
// Rules: `docs/vendors/freemud.md` (§2 envelope, §3 signing, §5 responses/callbacks, §8 codes);
// endpoints: docs/vendors/freemud.md §12. Assumed schemas are documented in sim/README.md.
import { createSign, createVerify, createPublicKey, createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { fmtShanghai, parseShanghai, asInt, asStr, clone, rawReply, genericDataText, isApiPath, seenLog } from './util.mjs';

// ---------------------------------------------------------------- pure signing functions

/** Every field except `sign`, dropping null/undefined/"", ASCII-sorted, raw `k=v` joined with `&`. */
export function freemudCanonical(fields) {
  return Object.keys(fields)
    .filter((k) => k !== 'sign' && fields[k] !== null && fields[k] !== undefined && String(fields[k]) !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

/** Load a public key from SPKI/PKCS#1 PEM or bare base64 SPKI DER. */
export function loadPublicKey(text) {
  const t = String(text).trim();
  if (t.startsWith('-----')) return createPublicKey(t);
  return createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
}

/** Load a private key from PEM (PKCS#8 or PKCS#1) or bare base64 DER (PKCS#8 first, then PKCS#1). */
export function loadPrivateKey(text) {
  const t = String(text).trim();
  if (t.startsWith('-----')) return createPrivateKey(t);
  const der = Buffer.from(t, 'base64');
  try { return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }); } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

/** base64 SHA256withRSA (PKCS#1 v1.5) over the canonical string of `fields`. */
export function signFreemud(privateKey, fields) {
  const key = typeof privateKey === 'string' ? loadPrivateKey(privateKey) : privateKey;
  return createSign('RSA-SHA256').update(Buffer.from(freemudCanonical(fields), 'utf8')).sign(key, 'base64');
}

/** Verify `sign` over the canonical string of `fields` (its own `sign` is ignored). Never throws. */
export function verifyFreemudSignature(publicKey, fields, sign) {
  try {
    if (typeof sign !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sign)) return false;
    const key = typeof publicKey === 'string' ? loadPublicKey(publicKey) : publicKey;
    return createVerify('RSA-SHA256').update(Buffer.from(freemudCanonical(fields), 'utf8')).verify(key, sign, 'base64');
  } catch {
    return false;
  }
}

/**
 * Parse requestBody: strict JSON, or the docs' single-quoted pseudo-JSON ({'a':'1'}) as fastjson would.
 * Returns the object or null.
 */
export function parseLenientJson(text) {
  try { return JSON.parse(text); } catch { /* try single quotes */ }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1; let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) { s += text[j] + text[j + 1]; j += 2; } else { s += text[j]; j += 1; }
      }
      if (j >= text.length) return null;
      try { out += JSON.stringify(JSON.parse(`"${c === "'" ? s.replace(/\\'/g, "'").replace(/"/g, '\\"') : s}"`)); } catch { return null; }
      i = j;
    } else out += c;
  }
  try { return JSON.parse(out); } catch { return null; }
}

// ---------------------------------------------------------------- the simulated vendor

export const OPERATION_TYPES = {
  1: '消费送积分', 2: '积分支付退回', 3: '积分签到', 4: '手动赠送', 5: '等级升级送积分', 6: '割接', 7: '生日送', 8: '注册送', 9: '完善送',
  10: '消费满赠', 11: '手动扣减', 12: '积分兑换', 13: '积分清理', 14: '积分支付', 15: '消费送积分扣回', 16: '等级升级退积分', 17: '消费满赠扣回',
};

export const FREEMUD_CODES = {
  OK: '100', MISSING: '21', INTERNAL: '500', SIGN: '401', ACCESS_TOKEN: '403', NOT_FOUND: '404',
  NO_MEMBER: '1001', INSUFFICIENT: '1002', NOTHING_TO_RETURN: '1003',
};
const MESSAGES = { 100: '成功', 21: '缺少必要的请求参数', 500: '内部服务异常', 401: '验签失败', 403: 'access_token无效', 404: '接口不存在', 1001: '会员不存在', 1002: '积分不足', 1003: '订单无可回退积分' };

const ROUTES = new Set([
  '/member/getMemberInfoByIdOrMobile', '/member/getMembers', '/member/score/opt/1', '/member/score/opt/15',
  '/member/score/updateScore', '/member/score/sendScore', '/member/score/returnScore', '/member/score/statisticalScore',
  '/member/score/getScoreRecords',
]);
const POINTS_CHANGES = new Set(['/member/score/opt/1', '/member/score/opt/15', '/member/score/updateScore', '/member/score/sendScore', '/member/score/returnScore']);

const isLoopback = (host) => ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) || /^127\./.test(host);

/** POST a JSON body to a loopback http URL; resolves { status, body } or { error }. */
function postLoopback(url, body, headers, timeoutMs = 5000) {
  return new Promise((resolve) => {
    let u;
    try { u = new URL(url); } catch { resolve({ error: 'invalid url' }); return; }
    if (u.protocol !== 'http:' || !isLoopback(u.hostname)) { resolve({ error: 'the simulator only pushes to http:// loopback URLs' }); return; }
    const req = httpRequest(u, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, timeout: timeoutMs, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end(body);
  });
}

export function createFreemud({ account, seed, now, log = () => {} }) {
  const merchantPublicKey = loadPublicKey(readFileSync(new URL('./keys/merchant_public.pem', import.meta.url), 'utf8'));
  const platformPrivateKey = loadPrivateKey(readFileSync(new URL('./keys/platform_private.pem', import.meta.url), 'utf8'));
  let st;
  const seen = seenLog();
  const config = { devSkipSign: false, callbackUrl: null };

  function reset() {
    const members = clone(seed.members);
    let seq = 1;
    const rows = clone(seed.ledger).sort((a, b) => (a.createTime < b.createTime ? -1 : 1)).map((r) => ({ transNo: `T${String(seq++).padStart(10, '0')}`, ...r }));
    // seeded rows carry the change only: rebuild before/after so they end at each member's seeded score
    for (const m of members) {
      const mine = rows.filter((r) => r.memberId === m.memberId);
      let score = m.currentScore - mine.reduce((s, r) => s + (r.changeType === 1 ? r.changeScore : -r.changeScore), 0);
      for (const r of mine) {
        r.beforeScore = score;
        score += r.changeType === 1 ? r.changeScore : -r.changeScore;
        r.afterScore = score;
        r.time = parseShanghai(r.createTime);
        r.operationName = OPERATION_TYPES[r.operationType];
      }
    }
    st = { members, rows, seq, idempotency: new Map(), callbacks: [] };
    seen.clear();
    config.devSkipSign = false;
    config.callbackUrl = null;
  }
  reset();

  function envelope(status, message, responseBody, responseBodyText) {
    const env = { ver: '1', statusCode: status, message };
    if (responseBody !== undefined) env.responseBody = JSON.stringify(responseBody);
    if (responseBodyText !== undefined) env.responseBody = responseBodyText;
    env.sign = signFreemud(platformPrivateKey, env);
    return env;
  }
  const reply = (status, message, responseBody, http = 200) => {
    const env = envelope(status, message ?? MESSAGES[status], responseBody);
    return { ...rawReply(http, JSON.stringify(env), {}, `statusCode=${status}${status === '100' ? '' : ` ${env.message}`}`), ok: status === '100' };
  };
  const fail = (status, detail) => reply(status, detail ? `${MESSAGES[status]}: ${detail}` : MESSAGES[status]);

  const findMember = (id) => st.members.find((m) => m.memberId === id);

  function memberInfo(m, { score = true, coupons = false } = {}) {
    const out = {
      birthday: m.birthday || '', email: m.email || '', idCard: m.idCard || '',
      memberChannels: [{
        cardCode: '', cardId: '', channelCode: m.channelCode, channelId: `2${m.memberId.slice(1)}`, createTime: m.registerTime,
        memberId: m.memberId, partnerId: account.partnerId, registerStoreCode: m.registerStoreCode, registerType: '2',
        thirdPartyCode: m.thirdPartyCode, unionId: m.unionId, updateTime: m.registerTime,
      }],
      memberId: m.memberId, memberName: m.memberName, mobile: m.mobile, nickName: m.nickName, photoUrl: m.photoUrl || '',
      registerStoreCode: m.registerStoreCode, registerTime: m.registerTime, sexFlag: m.sexFlag,
    };
    if (score) Object.assign(out, { currentScore: m.currentScore, totalScore: m.totalScore, usedScore: m.usedScore });
    if (coupons) out.memberCoupons = [];
    return out;
  }

  /** Apply one points change atomically; returns { row } or { error: reply }. */
  function applyChange(m, delta, p, path) {
    if (m.currentScore + delta < 0) return { error: fail('1002', `当前积分${m.currentScore}，需扣减${-delta}`) };
    const before = m.currentScore;
    m.currentScore += delta;
    if (delta > 0) m.totalScore += delta; else m.usedScore += -delta;
    const t = now();
    const opType = asInt(p.operationType);
    const row = {
      transNo: `T${String(st.seq++).padStart(10, '0')}`, memberId: m.memberId, changeScore: Math.abs(delta), changeType: delta > 0 ? 1 : 2,
      operationType: opType, operationName: asStr(p.operationName) || OPERATION_TYPES[opType] || '', orderId: asStr(p.orderId) || '',
      activityCode: asStr(p.activityCode) || '', remark: asStr(p.remark) || '', idempotencyBussinessId: asStr(p.idempotencyBussinessId),
      idempotencyBussinessType: asStr(p.idempotencyBussinessType) || '', beforeScore: before, afterScore: m.currentScore,
      time: t, createTime: fmtShanghai(t), path,
    };
    st.rows.push(row);
    if (config.callbackUrl) {
      push({ url: config.callbackUrl, event: 'points.changed', memberId: m.memberId, row }).catch(() => {});
    }
    return { row };
  }

  /** Points amount from `score`, or from `amount` (fen, 1 point per 100 fen) when score is absent. */
  function pointsOf(p) {
    if (p.score !== undefined && p.score !== null && p.score !== '') return asInt(p.score);
    if (p.amount !== undefined && p.amount !== null && p.amount !== '') { const a = asInt(p.amount); return a === null ? null : Math.floor(a / 100); }
    return undefined;
  }

  function pointsChange(path, p) {
    const memberId = asStr(p.memberId);
    if (!memberId) return fail('21', 'memberId');
    if (!asStr(p.idempotencyBussinessId)) return fail('21', 'idempotencyBussinessId');
    if (asInt(p.operationType) === null) return fail('21', 'operationType');
    const m = findMember(memberId);
    if (!m) return fail('1001', memberId);
    if (path === '/member/score/returnScore') {
      const orderId = asStr(p.orderId);
      if (!orderId) return fail('21', 'orderId');
      const net = st.rows.filter((r) => r.memberId === memberId && r.orderId === orderId)
        .reduce((s, r) => s + (r.changeType === 1 ? r.changeScore : -r.changeScore), 0);
      if (net === 0) return fail('1003', orderId);
      const r = applyChange(m, -net, p, path);
      if (r.error) return r.error;
      return reply('100', '成功', { currentScore: m.currentScore, updateScore: Math.abs(net) });
    }
    let delta;
    if (path === '/member/score/updateScore') {
      const change = asInt(p.changeScore);
      const type = asInt(p.changeType);
      if (change === null || change < 1) return fail('21', 'changeScore（不能低于1积分）');
      if (type !== 1 && type !== 2) return fail('21', 'changeType（1新增 2扣减）');
      delta = type === 1 ? change : -change;
    } else {
      const pts = pointsOf(p);
      if (pts === undefined) return fail('21', 'score或amount');
      if (pts === null || pts < 1) return fail('21', 'score须为正整数');
      if (path === '/member/score/sendScore' && !asStr(p.idempotencyBussinessType)) return fail('21', 'idempotencyBussinessType');
      delta = path === '/member/score/opt/15' ? -pts : pts;
    }
    const r = applyChange(m, delta, p, path);
    if (r.error) return r.error;
    if (path === '/member/score/updateScore') return reply('100', '成功', { updateScore: Math.abs(delta), currentScore: m.currentScore });
    return reply('100', '成功', { currentScore: m.currentScore, updateScore: Math.abs(delta), sendScore: delta > 0 ? delta : 0 });
  }

  function page(p, list, { maxSize = 100 } = {}) {
    const pageNum = asInt(p.pageNum);
    const pageSize = asInt(p.pageSize);
    if (pageNum === null || pageNum < 1) return { error: fail('21', 'pageNum') };
    if (pageSize === null || pageSize < 1) return { error: fail('21', 'pageSize') };
    const size = Math.min(pageSize, maxSize);
    return { totalCount: list.length, totalPages: Math.ceil(list.length / size), pageNum, pageSize: size, items: list.slice((pageNum - 1) * size, pageNum * size) };
  }

  function business(path, p) {
    if (POINTS_CHANGES.has(path)) {
      const key = asStr(p.idempotencyBussinessId);
      if (key && st.idempotency.has(key)) {
        const first = st.idempotency.get(key);
        return rawReply(200, first.body, {}, `statusCode=100 idempotent repeat of ${key}`);
      }
      const r = pointsChange(path, p);
      if (key && r.ok) st.idempotency.set(key, { path, body: r.body, at: now() });
      return r;
    }
    if (path === '/member/getMemberInfoByIdOrMobile') {
      const id = asStr(p.memberId); const mobile = asStr(p.mobile); const code = asStr(p.dynamicCode);
      if (!id && !mobile && !code) return fail('21', 'memberId、mobile、dynamicCode必传一个');
      const m = st.members.find((x) => (id ? x.memberId === id : mobile ? x.mobile === mobile : x.dynamicCode === code));
      if (!m) return fail('1001', id || mobile || code);
      return reply('100', '成功', memberInfo(m, { score: String(p.showScoreSwitch) === '1', coupons: String(p.showCouponSwitch) === '1' }));
    }
    if (path === '/member/getMembers') {
      let list = st.members.slice();
      const f = (k) => (p[k] === undefined || p[k] === null || p[k] === '' ? undefined : p[k]);
      if (f('nickName') !== undefined) list = list.filter((m) => m.nickName.includes(String(p.nickName)));
      if (f('mobile') !== undefined) list = list.filter((m) => m.mobile === String(p.mobile));
      if (f('ruleCode') !== undefined) list = list.filter((m) => m.ruleCode === String(p.ruleCode));
      if (f('statusFlag') !== undefined) list = list.filter((m) => m.statusFlag === asInt(p.statusFlag));
      if (f('startScore') !== undefined) list = list.filter((m) => m.currentScore >= asInt(p.startScore));
      if (f('endScore') !== undefined) list = list.filter((m) => m.currentScore <= asInt(p.endScore));
      if (f('startTime') !== undefined) { const t = parseShanghai(String(p.startTime)); list = list.filter((m) => parseShanghai(m.registerTime) >= t); }
      if (f('endTime') !== undefined) { const t = parseShanghai(String(p.endTime), { endOfDay: true }); list = list.filter((m) => parseShanghai(m.registerTime) <= t); }
      if (f('paidId') !== undefined || f('labelName') !== undefined) list = []; // no paid cards or labels in the sim
      list.sort((a, b) => (a.registerTime < b.registerTime ? 1 : a.registerTime > b.registerTime ? -1 : 0)); // newest registration first
      const pg = page(p, list);
      if (pg.error) return pg.error;
      return reply('100', '成功', {
        memberList: pg.items.map((m) => ({
          consumeCount: '0', consumeMoney: '', currentScore: m.currentScore, labelList: [], memberId: m.memberId, memberPaidList: [],
          mobile: m.mobile, nickName: m.nickName, registerTime: m.registerTime, ruleName: m.ruleName, statusFlag: m.statusFlag,
        })),
        pageNum: pg.pageNum, pageSize: pg.pageSize, totalCount: pg.totalCount, totalPages: pg.totalPages,
      });
    }
    if (path === '/member/score/statisticalScore') {
      const id = asStr(p.memberId);
      if (!id) return fail('21', 'memberId');
      const m = findMember(id);
      if (!m) return fail('1001', id);
      return reply('100', '成功', { currentScore: m.currentScore, totalScore: m.totalScore, usedScore: m.usedScore });
    }
    // /member/score/getScoreRecords (assumed schema, see README)
    const id = asStr(p.memberId);
    if (!id) return fail('21', 'memberId');
    if (!findMember(id)) return fail('1001', id);
    let rows = st.rows.filter((r) => r.memberId === id);
    if (p.startTime) { const t = parseShanghai(String(p.startTime)); if (t === null) return fail('21', 'startTime'); rows = rows.filter((r) => r.time >= t); }
    if (p.endTime) { const t = parseShanghai(String(p.endTime), { endOfDay: true }); if (t === null) return fail('21', 'endTime'); rows = rows.filter((r) => r.time <= t); }
    rows.sort((a, b) => (b.time - a.time) || (a.transNo < b.transNo ? 1 : -1));
    const pg = page({ pageNum: p.pageNum ?? 1, pageSize: p.pageSize ?? 10 }, rows);
    if (pg.error) return pg.error;
    return reply('100', '成功', {
      pageNum: pg.pageNum, pageSize: pg.pageSize, totalCount: pg.totalCount, totalPages: pg.totalPages,
      scoreRecords: pg.items.map(recordOut),
    });
  }

  const recordOut = (r) => ({
    transNo: r.transNo, memberId: r.memberId, changeScore: r.changeScore, changeType: r.changeType, operationType: r.operationType,
    operationName: r.operationName, beforeScore: r.beforeScore, currentScore: r.afterScore, orderId: r.orderId || '', remark: r.remark || '',
    idempotencyBussinessId: r.idempotencyBussinessId || '', createTime: r.createTime,
  });

  /** A path outside the table: statusCode 100, the responseBody saying what the sim received. */
  function generic(entry) {
    const env = envelope('100', MESSAGES[100], undefined, genericDataText(entry));
    return { ...rawReply(200, JSON.stringify(env), {}, `statusCode=100 generic ${entry.path}`), ok: true };
  }

  function handle(req) {
    // Any API path is answered (a path outside the table generically); `/member/score/opt/{type}`
    // only with the types 1 and 15.
    const known = ROUTES.has(req.path);
    const other = !known && isApiPath(req.path) && !req.path.startsWith('/member/score/opt/');
    if (req.method !== 'POST' || !(known || other)) return reply('404', `${MESSAGES[404]}: ${req.method} ${req.path}`, undefined, 404);
    let env;
    try { env = JSON.parse(req.body); } catch { return fail('21', '请求体不是合法的JSON'); }
    if (!env || typeof env !== 'object' || Array.isArray(env)) return fail('21', '请求体不是合法的JSON对象');
    if (req.headers.access_token !== account.accessToken) return fail('403');
    if (!req.headers['x-transaction-id']) return fail('21', 'x-transaction-id');
    for (const k of ['ver', 'partnerId', 'appId', 'requestBody', 'sign']) {
      if (env[k] === undefined || env[k] === null || env[k] === '') return fail('21', k);
    }
    if (typeof env.requestBody !== 'string') return fail('21', 'requestBody须为JSON字符串');
    if (String(env.ver) !== '1') return fail('21', 'ver');
    if (String(env.appId) !== account.appId) return fail('401', 'appId无效');
    const skip = env.sign === 'skip' && config.devSkipSign;
    if (!skip && !verifyFreemudSignature(merchantPublicKey, env, env.sign)) return fail('401');
    if (String(env.partnerId) !== account.partnerId) return fail('401', 'partnerId与appId不匹配');
    const p = parseLenientJson(env.requestBody);
    const entry = { path: req.path, requestBody: p ?? env.requestBody };
    seen.add(entry);
    if (other) return generic(entry);
    if (!p || typeof p !== 'object' || Array.isArray(p)) return fail('21', 'requestBody不是合法的JSON');
    if (p.partnerId !== undefined && String(p.partnerId) !== account.partnerId) return fail('21', 'requestBody.partnerId与partnerId不一致');
    return business(req.path, p);
  }

  /** Build, sign and POST a callback; resolves a report, also kept in state.callbacks. */
  async function push({ url, event, memberId, row, member: newMember, ...overrides }) {
    if (!url) throw new Error('url is required');
    let body;
    if (event === 'member.registered') {
      let m = memberId ? findMember(memberId) : null;
      if (!m && newMember && typeof newMember === 'object') {
        const t = now();
        m = {
          memberId: `1${String(t).slice(-9)}${String(st.members.length).padStart(8, '0')}`, memberName: '', nickName: '', mobile: '', sexFlag: '0', birthday: '',
          registerTime: fmtShanghai(t), registerStoreCode: '', ruleName: '普通会员', ruleCode: 'L1', statusFlag: 1, dynamicCode: '',
          currentScore: 0, totalScore: 0, usedScore: 0, channelCode: 'xcx', thirdPartyCode: '', unionId: '', ...newMember,
        };
        st.members.push(m);
      }
      if (!m) throw new Error('memberId of an existing member, or a `member` object to register, is required');
      body = { ...memberInfo(m, { score: false }), ...overrides };
    } else if (event === 'points.changed') {
      const m = findMember(memberId);
      if (!m) throw new Error('memberId of an existing member is required');
      const r = row || st.rows.filter((x) => x.memberId === m.memberId).at(-1);
      body = {
        changeScore: String(r ? r.changeScore : 0), currentScore: String(r ? r.afterScore : m.currentScore), changeType: String(r ? r.changeType : 1),
        operationType: String(r ? r.operationType : 4), memberId: m.memberId, mobile: m.mobile, transNo: r ? r.transNo : '', ...overrides,
      };
    } else {
      throw new Error('event must be "member.registered" or "points.changed"');
    }
    const requestBody = JSON.stringify(body);
    const envl = { ver: 1, partnerId: account.partnerId, appId: account.appId, requestBody };
    envl.sign = signFreemud(platformPrivateKey, envl);
    const text = JSON.stringify(envl);
    const res = await postLoopback(url, text, { 'Content-Type': 'application/json;charset=utf-8', Accept: 'application/json;charset=utf-8', 'x-transaction-id': randomUUID() });
    let ack = null;
    try { ack = res.body ? JSON.parse(res.body) : null; } catch { /* not JSON */ }
    const report = {
      url, event, sentAt: now(), body: text, status: res.status ?? null, response: res.body ?? null, ack, error: res.error ?? null,
      ok: !res.error && res.status >= 200 && res.status < 300 && !!ack && String(ack.statusCode) === '100',
    };
    st.callbacks.push(report);
    log(`freemud push ${event} → ${url}: ${report.ok ? 'acknowledged' : `not acknowledged (${report.error || report.status})`}`);
    return report;
  }

  async function control(name, body) {
    if (name === 'push') return push(body);
    if (name === 'callback-url') {
      if (body.url !== null && body.url !== undefined && typeof body.url !== 'string') throw new Error('url must be a string or null');
      config.callbackUrl = body.url || null;
      return { callbackUrl: config.callbackUrl };
    }
    if (name === 'config') {
      if (body.devSkipSign !== undefined) config.devSkipSign = body.devSkipSign === true;
      if (body.callbackUrl !== undefined) config.callbackUrl = body.callbackUrl || null;
      return { ...config };
    }
    return undefined;
  }

  function faultReply(kind, fault) {
    if (kind === 'status') return reply('500', MESSAGES[500], undefined, fault.status);
    if (kind === 'rate_limit') return { ...reply('500', '请求过于频繁', undefined, 429), headers: { 'Content-Type': 'application/json;charset=utf-8', 'Retry-After': String(fault.retryAfter) } };
    return rawReply(200, fault.body ?? '{"ver":"1","statusCode":"100","message":"成功","responseBody":"{\\"currentSc', {}, 'malformed');
  }

  function state() {
    return {
      config: { ...config },
      members: st.members.map((m) => ({ ...m })),
      ledger: st.rows.slice().sort((a, b) => (b.time - a.time) || (a.transNo < b.transNo ? 1 : -1)).map((r) => ({ ...recordOut(r), path: r.path || null, idempotencyBussinessType: r.idempotencyBussinessType })),
      idempotency: [...st.idempotency.entries()].map(([key, v]) => ({ idempotencyBussinessId: key, path: v.path, at: v.at, response: v.body })),
      callbacks: st.callbacks.slice(),
      seen: seen.toJSON(),
    };
  }

  return { name: 'freemud', reset, handle, faultReply, control, state, push };
}
