// A stand-in for the gateway's HTTP contract (helper brief, issue 7), used only
// while developing the admin page before the real gateway Worker is on main.
// Qimai v3 through the package's vendor-native `client.call`, against the sim.
// Not used by the final tests (they run the real gateway on workerd).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { buildRequest, Client, JifenError } from '../../pkg/node.js';

const accounts = JSON.parse(readFileSync(new URL('../../sim/accounts.json', import.meta.url)));

const STATUS = { invalid_input: 400, auth: 502, unsupported: 501, rate_limited: 429, vendor: 422, timeout: 504 };

export async function startStubGateway({ port = 0, simUrl, token = 'demo-admin-token', origin = '*' }) {
  const config = { ...accounts.qimai, baseUrl: `${simUrl}/qimai` };
  const client = new Client(config, { retries: 1 });
  const P = '/v3/crm/points/';
  const C = '/v3/crm/customer/';

  const parseMember = (ref) => {
    const m = {};
    for (const part of String(ref).split(',')) {
      const i = part.indexOf(':');
      const [k, v] = i < 0 ? ['id', part] : [part.slice(0, i), part.slice(i + 1)];
      m[k === 'card' ? 'cardId' : k] = v;
    }
    return m;
  };
  const gatherParams = (m) => m.id ? { identifierNumber: m.id, type: 1 } : m.mobile
    ? { identifierNumber: m.mobile, type: 2 } : { identifierNumber: m.cardId, type: 3 };
  const customerId = async (m) => m.id ?? (await client.call(C + 'gatherCustomerInfo', gatherParams(m))).customerId;
  const iso = (t) => t ? t.replace(' ', 'T') + '+08:00' : undefined;

  const ops = {
    async getMember({ member }) {
      const d = await client.call(C + 'gatherCustomerInfo', gatherParams(member));
      return { id: d.customerId, name: d.name, mobile: d.mobile, level: d.levelName, registeredAt: iso(d.registerTime), points: d.points, raw: d };
    },
    async getBalance({ member }) {
      const d = await client.call(P + 'getCustomerPoints', { customerId: await customerId(member) });
      return { available: d.totalPoints, raw: d };
    },
    async ledgerPage({ member, cursor, pageSize = 10 }) {
      const page = cursor ? Number(cursor) : 1;
      const d = await client.call(C + 'getCrmPointsFlow', { customerId: await customerId(member), page, pageSize });
      const entries = d.list.map((r) => ({ id: String(r.id), at: iso(r.createdAt), delta: r.changePoints, balanceAfter: r.afterPoints,
        type: { code: String(r.sourceType), name: r.reason }, raw: r }));
      return { entries, cursor: page * pageSize < d.total ? String(page + 1) : null };
    },
    async adjustPoints({ member, delta, reason, idempotencyKey }) {
      const op = delta > 0 ? 'addCustomerPoints' : 'reducePoints';
      const d = await client.call(P + op, { customerId: await customerId(member), balance: Math.abs(delta), bizId: idempotencyKey, reason });
      return { applied: true, balance: d.totalPoints, vendorRef: String(d.flowId), raw: d };
    },
  };
  const previewOf = async (method, args) => {
    const m = args.member;
    const id = m.id ?? '(resolved first)';
    const [op, params] = {
      getMember: [C + 'gatherCustomerInfo', gatherParams(m)],
      getBalance: [P + 'getCustomerPoints', { customerId: id }],
      ledgerPage: [C + 'getCrmPointsFlow', { customerId: id, page: Number(args.cursor ?? 1), pageSize: args.pageSize ?? 10 }],
      adjustPoints: [P + (args.delta > 0 ? 'addCustomerPoints' : 'reducePoints'), { customerId: id, balance: Math.abs(args.delta), bizId: args.idempotencyKey, reason: args.reason }],
    }[method];
    const r = await buildRequest(config, op, params);
    const body = r.body && JSON.parse(r.body);
    if (body?.token) body.token = '***';
    return { ...r, body: body ? JSON.stringify(body) : r.body };
  };
  const reasons = ['purchase', 'sign_in', 'manual_grant', 'promotion', 'registration', 'birthday', 'profile_completion', 'top_up_bonus', 'migration', 'upgrade',
    'redemption', 'points_payment', 'manual_deduction', 'earn_reversal', 'payment_refund', 'expiry'];

  const server = http.createServer(async (req, res) => {
    const cors = { 'access-control-allow-origin': origin, 'access-control-allow-headers': 'authorization, content-type, idempotency-key',
      'access-control-allow-methods': 'GET, POST, OPTIONS', vary: 'origin' };
    const send = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json', ...cors }); res.end(JSON.stringify(obj)); };
    if (req.method === 'OPTIONS') { res.writeHead(204, cors); return res.end(); }
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: { code: 'unauthorized', message: 'admin token missing or wrong', retryable: false } });
    const url = new URL(req.url, 'http://x');
    let body = '';
    for await (const c of req) body += c;
    try {
      const q = url.searchParams;
      let out;
      if (url.pathname === '/api/capabilities') {
        out = { vendor: 'qimai', operations: {}, reasons: Object.fromEntries(reasons.map((r) => [r, r === 'expiry' ? null : { code: r, name: r }])) };
      } else if (url.pathname.startsWith('/api/members/')) {
        out = await ops.getMember({ member: parseMember(decodeURIComponent(url.pathname.slice(13))) });
      } else if (url.pathname === '/api/balance') {
        out = await ops.getBalance({ member: parseMember(q.get('member')) });
      } else if (url.pathname === '/api/ledger') {
        out = await ops.ledgerPage({ member: parseMember(q.get('member')), cursor: q.get('cursor'), pageSize: Number(q.get('pageSize') || 10) });
      } else if (url.pathname === '/api/adjust' && req.method === 'POST') {
        const b = JSON.parse(body);
        const key = req.headers['idempotency-key'];
        if (!key) return send(400, { error: { code: 'invalid_input', message: 'Idempotency-Key header required', retryable: false } });
        out = await ops.adjustPoints({ ...b, member: typeof b.member === 'string' ? parseMember(b.member) : b.member, idempotencyKey: key });
      } else if (url.pathname === '/api/preview' && req.method === 'POST') {
        const b = JSON.parse(body);
        out = await previewOf(b.method, { ...b.args, member: typeof b.args.member === 'string' ? parseMember(b.args.member) : b.args.member });
      } else {
        return send(404, { error: { code: 'not_found', message: 'no such route', retryable: false } });
      }
      send(200, out);
    } catch (e) {
      if (!(e instanceof JifenError)) return send(500, { error: { code: 'internal', message: String(e.message), retryable: false } });
      const { code, message, vendor, vendorCode, httpStatus, requestId, retryable } = e;
      send(STATUS[code] ?? 502, { error: { code, message, vendor, vendorCode, httpStatus, requestId, retryable } });
    }
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
