// Qimai 企迈 open platform (API v2 gateway and v3), as the simulator plays it.
// Rules: `docs/vendors/qimai.md` (§2 Token, §5 timestamp/nonce, §6 endpoints, §7 responses);
// v2 points-add: docs/vendors/qimai.md §11. Every assumed schema and code is documented in sim/README.md.
import { createHmac } from 'node:crypto';
import { safeEqual, randomHex, fmtShanghai, parseShanghai, asInt, asStr, clone, genericDataText, isApiPath, seenLog } from './util.mjs';

// ---------------------------------------------------------------- pure signing functions

/** Percent-encode the base64 token: '+' → %2B, '/' → %2F, '=' → %3D. */
const pctB64 = (b64) => b64.replace(/[+/=]/g, (c) => ({ '+': '%2B', '/': '%2F', '=': '%3D' })[c]);

/**
 * The Token for the four signed fields (raw values, ASCII-sorted keys).
 * `capitalised` signs GrantCode=…&Nonce=…&OpenId=…&Timestamp=… (the unconfirmed v2 "as sent" spelling).
 */
export function qimaiSign(openKey, { openId, grantCode, nonce, timestamp }, { capitalised = false } = {}) {
  const [g, n, o, t] = capitalised ? ['GrantCode', 'Nonce', 'OpenId', 'Timestamp'] : ['grantCode', 'nonce', 'openId', 'timestamp'];
  const stringToSign = `${g}=${grantCode}&${n}=${nonce}&${o}=${openId}&${t}=${timestamp}`;
  const base64 = createHmac('sha1', Buffer.from(openKey, 'utf8')).update(Buffer.from(stringToSign, 'utf8')).digest('base64');
  return { stringToSign, base64, token: pctB64(base64) };
}

/** Check a received token; `allowCapitalised` also accepts the capitalised-key spelling (v2). */
export function verifyQimaiToken({ openKey, openId, grantCode, nonce, timestamp, token, allowCapitalised = false }) {
  const fields = { openId: String(openId), grantCode: String(grantCode), nonce: String(nonce), timestamp: String(timestamp) };
  if (safeEqual(qimaiSign(openKey, fields).token, String(token ?? ''))) return { ok: true, variant: 'lower' };
  if (allowCapitalised && safeEqual(qimaiSign(openKey, fields, { capitalised: true }).token, String(token ?? ''))) return { ok: true, variant: 'capitalised' };
  return { ok: false, variant: null };
}

// ---------------------------------------------------------------- the simulated vendor

export const QIMAI_CODES = {
  BAD_JSON: 40000, MISSING_PUBLIC: 40001, BAD_TOKEN: 40002, TIMESTAMP: 40003, NONCE: 40004, NOT_FOUND: 40005, BAD_PARAM: 40006,
  NO_CUSTOMER: 50001, INSUFFICIENT: 50002, NO_ORIGIN: 50003, ALREADY_REVERSED: 50004, SYSTEM: 99999, RATE_LIMIT: 42900,
};
const WINDOW_S = 300;

const V3_ROUTES = new Set([
  '/v3/crm/points/getCustomerPoints', '/v3/crm/points/addCustomerPoints', '/v3/crm/points/reducePoints', '/v3/crm/points/reversePoints',
  '/v3/crm/customer/getCrmPointsFlow', '/v3/crm/customer/gatherCustomerInfo', '/v3/crm/customer/allCustomerInfo', '/v3/crm/customer/getCustomerIdByPhone',
]);
const V2_ACTIONS = new Set(['user.points-add', 'user.user-points-records', 'communal.user.identity', 'communal.user.gether-customer-info']);

class QmError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}
const bad = (what) => new QmError(40006, `参数错误: ${what}`);

/** A v2 Action's shape: letters, digits, `.`, `-`, `_`, with a dot. */
const isV2Action = (a) => typeof a === 'string' && a.length <= 128 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(a) && a.includes('.');

export function createQimai({ account, seed, now }) {
  let st;
  const seen = seenLog();

  function reset() {
    const customers = clone(seed.customers);
    const flows = [];
    let seq = 1;
    const seeded = clone(seed.flows).sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
    for (const c of customers) {
      let pts = c.points - seeded.filter((f) => f.customerId === c.customerId).reduce((s, f) => s + f.changePoints, 0);
      for (const f of seeded.filter((x) => x.customerId === c.customerId)) {
        pts += f.changePoints;
        flows.push({ ...f, id: String(seq++), afterPoints: pts, time: parseShanghai(f.createdAt), kind: f.changePoints >= 0 ? 'add' : 'reduce', reversed: false, pointsChannel: 8 });
      }
    }
    st = { customers, flows, seq, bizIds: new Map(), nonces: new Map() };
    seen.clear();
  }
  reset();

  const nowS = () => Math.floor(now() / 1000);

  // response shapes: v2 follows the doc example (strings); v3 uses JSON booleans/numbers and a traceId
  function ok(version, data) {
    const body = version === 'v2' ? { status: 'true', code: '0', message: 'success', data } : { status: true, code: 0, message: 'success', data, traceId: randomHex(16) };
    return { status: 200, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: JSON.stringify(body), note: 'code=0', ok: true };
  }
  /** An operation outside the table: success, the data saying what the sim received. */
  function generic(version, entry) {
    const data = genericDataText(entry);
    const body = version === 'v2'
      ? `{"status":"true","code":"0","message":"success","data":${data}}`
      : `{"status":true,"code":0,"message":"success","data":${data},"traceId":"${randomHex(16)}"}`;
    return { status: 200, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body, note: `code=0 generic ${entry.op}`, ok: true };
  }
  function err(version, code, message, http = 200) {
    const body = version === 'v2' ? { status: false, code: String(code), message } : { status: false, code, message, data: null, traceId: randomHex(16) };
    return { status: http, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: JSON.stringify(body), note: `code=${code} ${message}` };
  }

  // ----- params helpers
  const str = (p, k, { required = true } = {}) => {
    const v = asStr(p[k]);
    if (v === null && required) throw bad(`${k}不能为空`);
    return v;
  };
  const posInt = (p, k) => {
    const v = asInt(p[k]);
    if (v === null || v < 1) throw bad(`${k}须为正整数`);
    return v;
  };
  const customer = (id) => {
    const c = st.customers.find((x) => x.customerId === id);
    if (!c) throw new QmError(50001, `会员不存在: ${id}`);
    return c;
  };
  const pointsView = (c) => {
    const soon = Math.min(c.soonExpiredPoints || 0, c.points);
    return { totalPoints: c.points, foreverPoints: c.points - soon, soonExpiredPoints: soon, expiredTime: soon > 0 ? c.expiredTime || '' : '' };
  };
  const infoView = (c) => ({ customerId: c.customerId, name: c.name, mobile: c.mobile, levelName: c.levelName, registerTime: c.registerTime, points: c.points });

  function addFlow(c, delta, { bizId, reason, sourceType, pointsChannel, kind, originBizId }) {
    if (c.points + delta < 0) throw new QmError(50002, `积分不足: 当前积分${c.points}`);
    c.points += delta;
    const t = now();
    const f = {
      id: String(st.seq++), customerId: c.customerId, changePoints: delta, afterPoints: c.points, sourceType: sourceType ?? 0, reason: reason || '',
      bizId, createdAt: fmtShanghai(t), time: t, kind, reversed: false, pointsChannel: pointsChannel ?? 8, ...(originBizId ? { originBizId } : {}),
    };
    st.flows.push(f);
    return { customerId: c.customerId, bizId, changePoints: delta, totalPoints: c.points, flowId: f.id };
  }

  /** The three points changes; idempotent by bizId. Returns { data, fresh }. */
  function change(kind, p) {
    const bizId = str(p, 'bizId');
    const customerId = str(p, 'customerId');
    const prior = st.bizIds.get(bizId);
    if (prior) return { prior };
    const c = customer(customerId);
    const reason = asStr(p.reason) || '';
    let data;
    if (kind === 'add') {
      const sourceType = p.sourceType === undefined || p.sourceType === '' ? 4 : asInt(p.sourceType);
      if (sourceType === null || sourceType < 1 || sourceType > 12) throw bad('sourceType取值1-12');
      const pointsChannel = p.pointsChannel === undefined || p.pointsChannel === '' ? 8 : asInt(p.pointsChannel);
      if (pointsChannel === null || pointsChannel < 1 || pointsChannel > 9) throw bad('pointsChannel取值1-9');
      data = addFlow(c, posInt(p, 'balance'), { bizId, reason, sourceType, pointsChannel, kind });
    } else if (kind === 'reduce') {
      data = addFlow(c, -posInt(p, 'balance'), { bizId, reason, sourceType: 0, kind });
    } else {
      const originBizId = str(p, 'originBizId');
      const origin = st.flows.find((f) => f.bizId === originBizId && f.customerId === c.customerId && f.kind !== 'reverse');
      if (!origin) throw new QmError(50003, `原业务不存在: ${originBizId}`);
      if (origin.reversed) throw new QmError(50004, `原业务已冲正: ${originBizId}`);
      data = addFlow(c, -origin.changePoints, { bizId, reason, sourceType: origin.sourceType, kind, originBizId });
      origin.reversed = true;
    }
    return { data };
  }

  function page(p, { pageKey, sizeKey }) {
    const pg = p[pageKey] === undefined || p[pageKey] === '' ? 1 : asInt(p[pageKey]);
    const size = p[sizeKey] === undefined || p[sizeKey] === '' ? 10 : asInt(p[sizeKey]);
    if (pg === null || pg < 1) throw bad(`${pageKey}须为正整数`);
    if (size === null || size < 1) throw bad(`${sizeKey}须为正整数`);
    return { page: pg, size: Math.min(size, 100) };
  }
  const flowsOf = (id) => st.flows.filter((f) => f.customerId === id).sort((a, b) => (b.time - a.time) || (Number(b.id) - Number(a.id)));

  function findBy(type, id) {
    const t = asInt(type);
    const match = {
      1: (c) => c.userCode === id || c.customerId === id, 2: (c) => c.mobile === id, 3: (c) => c.cardNumber === id,
      4: (c) => c.alipayUserId === id, 5: (c) => c.openid === id, 6: (c) => c.unionid === id,
    }[t];
    if (!match) throw bad('type取值1-6');
    const c = st.customers.find((x) => match(x) && id);
    if (!c) throw new QmError(50001, `会员不存在: ${id}`);
    return c;
  }

  /** Run one operation; `op` is a v3 path or a v2 Action. Returns a reply. */
  function operate(version, op, p) {
    const points = { '/v3/crm/points/addCustomerPoints': 'add', 'user.points-add': 'add', '/v3/crm/points/reducePoints': 'reduce', '/v3/crm/points/reversePoints': 'reverse' }[op];
    if (points) {
      const r = change(points, p);
      if (r.prior) {
        // the first answer again, in the shape of the API asked (v2 user.points-add answers data [])
        const shape = op === 'user.points-add' ? 'v2-add' : version;
        const body = r.prior.bodies[shape];
        if (body) return { status: 200, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body, note: `code=0 bizId repeat ${p.bizId}` };
        const rep = ok(version, shape === 'v2-add' ? [] : r.prior.data);
        r.prior.bodies[shape] = rep.body;
        rep.note = `code=0 bizId repeat ${p.bizId}`;
        return rep;
      }
      const rep = ok(version, op === 'user.points-add' ? [] : r.data);
      st.bizIds.set(String(p.bizId), { op, data: r.data, at: now(), bodies: { [op === 'user.points-add' ? 'v2-add' : version]: rep.body } });
      rep.note = `code=0 ${r.data.customerId} ${r.data.changePoints > 0 ? '+' : ''}${r.data.changePoints} → ${r.data.totalPoints}`;
      return rep;
    }
    switch (op) {
      case '/v3/crm/points/getCustomerPoints':
        return ok(version, pointsView(customer(str(p, 'customerId'))));
      case '/v3/crm/customer/getCrmPointsFlow': {
        const c = customer(str(p, 'customerId'));
        const { page: pg, size } = page(p, { pageKey: 'page', sizeKey: 'pageSize' });
        const all = flowsOf(c.customerId);
        return ok(version, {
          total: all.length, page: pg, pageSize: size,
          list: all.slice((pg - 1) * size, pg * size).map((f) => ({ id: f.id, customerId: f.customerId, changePoints: f.changePoints, afterPoints: f.afterPoints, sourceType: f.sourceType, reason: f.reason, bizId: f.bizId, createdAt: f.createdAt })),
        });
      }
      case 'user.user-points-records': {
        const c = customer(str(p, 'user_id'));
        const { page: pg, size } = page(p, { pageKey: 'page', sizeKey: 'page_size' });
        const all = flowsOf(c.customerId);
        return ok(version, {
          total: all.length, page: pg, page_size: size,
          list: all.slice((pg - 1) * size, pg * size).map((f) => ({ id: f.id, user_id: f.customerId, points: f.changePoints, after_points: f.afterPoints, source_type: f.sourceType, reason: f.reason, biz_id: f.bizId, created_at: f.createdAt })),
        });
      }
      case '/v3/crm/customer/gatherCustomerInfo':
      case 'communal.user.gether-customer-info':
        return ok(version, infoView(findBy(p.type, str(p, 'identifierNumber'))));
      case '/v3/crm/customer/allCustomerInfo': {
        const c = customer(str(p, 'customerId'));
        return ok(version, {
          customerInfo: { customerId: c.customerId, name: c.name, mobile: c.mobile, levelName: c.levelName, registerTime: c.registerTime, cardNumber: c.cardNumber },
          points: pointsView(c), balance: { totalBalance: '0.00' }, coupons: [],
        });
      }
      case '/v3/crm/customer/getCustomerIdByPhone': {
        const phone = str(p, 'phone');
        const c = st.customers.find((x) => x.mobile === phone);
        if (!c) throw new QmError(50001, `会员不存在: ${phone}`);
        return ok(version, { customerId: c.customerId });
      }
      case 'communal.user.identity': {
        const type = asInt(p.type);
        let c;
        if (type === 1) { str(p, 'password'); c = findBy(2, str(p, 'mobile')); } else if (type === 2) { str(p, 'card_password'); c = findBy(3, str(p, 'card_number')); } else if (type === 3) c = findBy(1, str(p, 'user_code')); else if (type === 4) c = customer(str(p, 'user_id'));
        else throw bad('type取值1-4');
        return ok(version, { user_info: { user_id: c.customerId, name: c.name, mobile: c.mobile, level_name: c.levelName, card_number: c.cardNumber, register_time: c.registerTime, user_points: c.points }, coupons: [] });
      }
      default:
        throw new QmError(40005, `接口不存在: ${op}`);
    }
  }

  /**
   * Checks at arrival for a write that lands later (fault apply_late): a refusal, or null. The
   * nonce is recorded now; when the write lands, `handle(req, { admitted: true })` checks it all
   * again (the timestamp window too) except the nonce.
   */
  function admit(req) {
    const r = handle(req, { checkOnly: true });
    return r === null ? null : r;
  }

  function handle(req, { admitted = false, checkOnly = false } = {}) {
    const v2 = req.path === '/api/v2';
    const version = v2 ? 'v2' : 'v3';
    // Any v3 path is answered (one outside the table generically), as is any v2 Action below.
    if (req.method !== 'POST' || !(v2 || V3_ROUTES.has(req.path) || isApiPath(req.path, '/v3/'))) return err(version, 40005, `接口不存在: ${req.method} ${req.path}`, 404);
    let env;
    try { env = JSON.parse(req.body); } catch { return err(version, 40000, '请求体不是合法的JSON'); }
    if (!env || typeof env !== 'object' || Array.isArray(env)) return err(version, 40000, '请求体不是合法的JSON对象');
    const names = v2 ? ['OpenId', 'GrantCode', 'Timestamp', 'Nonce', 'Token'] : ['openId', 'grantCode', 'timestamp', 'nonce', 'token'];
    const [openId, grantCode, timestamp, nonce, token] = names.map((k) => asStr(env[k]));
    const missing = names.filter((k, i) => [openId, grantCode, timestamp, nonce, token][i] === null);
    if (missing.length) return err(version, 40001, `缺少公共参数: ${missing.join(',')}`);
    if (openId !== account.openId) return err(version, 40002, '签名错误: OpenId无效');
    if (grantCode !== account.grantCode) return err(version, 40002, '签名错误: GrantCode无效');
    const v = verifyQimaiToken({ openKey: account.openKey, openId, grantCode, nonce, timestamp, token, allowCapitalised: v2 });
    if (!v.ok) return err(version, 40002, '签名错误: Token校验失败');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) - nowS()) > WINDOW_S) return err(version, 40003, '时间戳已过期: 须为秒级时间戳且与服务器时间相差不超过5分钟');
    if (!/^\d{1,19}$/.test(nonce) || !/[1-9]/.test(nonce)) return err(version, 40004, 'Nonce须为正整数');
    const t = now();
    for (const [k, exp] of st.nonces) if (exp <= t) st.nonces.delete(k);
    if (!admitted) {
      // (a late write's nonce was recorded when it was admitted)
      if (st.nonces.has(nonce)) return err(version, 40004, 'Nonce重复: 请求已处理过');
      st.nonces.set(nonce, t + 2 * WINDOW_S * 1000);
    }
    const params = v2 ? env.Params : env.params;
    if (params !== undefined && params !== null && (typeof params !== 'object' || Array.isArray(params))) return err(version, 40006, '参数错误: Params须为对象');
    const p = params || {};
    let op = req.path;
    if (v2) {
      op = asStr(env.Action);
      if (!op) return err(version, 40001, '缺少公共参数: Action');
      if (!V2_ACTIONS.has(op) && !isV2Action(op)) return err(version, 40005, `接口不存在: ${op}`);
    }
    if (checkOnly) return null;
    const entry = { version, op, params: p };
    seen.add(entry);
    if (v2 ? !V2_ACTIONS.has(op) : !V3_ROUTES.has(op)) return generic(version, entry);
    try {
      return operate(version, op, p);
    } catch (e) {
      if (e instanceof QmError) return err(version, e.code, e.message);
      throw e;
    }
  }

  function faultReply(kind, fault, req) {
    const version = req && req.path === '/api/v2' ? 'v2' : 'v3';
    if (kind === 'status') return err(version, 99999, '系统错误', fault.status);
    if (kind === 'rate_limit') {
      const r = err(version, 42900, '请求过于频繁', 429);
      r.headers['Retry-After'] = String(fault.retryAfter);
      return r;
    }
    return { status: 200, headers: { 'Content-Type': 'application/json;charset=utf-8' }, body: fault.body ?? '{"status":true,"code":0,"message":"success","data":{"tot', note: 'malformed' };
  }

  function state() {
    return {
      customers: st.customers.map((c) => ({ ...c })),
      ledger: st.flows.slice().sort((a, b) => (b.time - a.time) || (Number(b.id) - Number(a.id))).map(({ time, ...f }) => f),
      idempotency: [...st.bizIds.entries()].map(([bizId, r]) => ({ bizId, op: r.op, at: r.at, data: r.data })),
      noncesInWindow: st.nonces.size,
      seen: seen.toJSON(),
    };
  }

  return { name: 'qimai', reset, admit, handle, faultReply, control: () => undefined, state };
}
