// The gateway's HTTP contract (issue 7), from the page's side. The page holds one
// person's staff token for the gateway and never a vendor secret.

/** An error from the gateway (or from reaching it), shaped like JifenError. */
export class GatewayError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.vendor = details.vendor ?? null;
    this.vendorCode = details.vendorCode ?? null;
    this.httpStatus = details.httpStatus ?? null;
    this.requestId = details.requestId ?? null;
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.status = details.status ?? null; // the gateway's own HTTP status
  }
}

/** Member object → the path/query form: `kind:value` pairs joined by commas. */
export function memberRef(member) {
  const parts = [];
  if (member.id) parts.push(`id:${member.id}`);
  if (member.mobile) parts.push(`mobile:${member.mobile}`);
  if (member.cardId) parts.push(`card:${member.cardId}`);
  return parts.join(',');
}

export class Gateway {
  /** @param {{ gateway: string, token: string, fetch?: typeof fetch }} settings */
  constructor({ gateway, token, fetch: f }) {
    this.base = String(gateway || '').replace(/\/+$/, '');
    this.token = token || '';
    this.fetch = f ?? globalThis.fetch.bind(globalThis);
  }

  async request(method, path, { query, body, headers = {} } = {}) {
    if (!this.base) throw new GatewayError('not_configured', 'no gateway URL');
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    const init = { method, headers: { accept: 'application/json', authorization: `Bearer ${this.token}`, ...headers }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await this.fetch(url, init);
    } catch (e) {
      // fetch rejects only when no HTTP answer arrived (network, CORS, DNS).
      throw new GatewayError('gateway_unreachable', String(e?.message ?? e), { retryable: true });
    }
    let text;
    try {
      text = await res.text();
    } catch {
      // The status line came (a 200: the change applied) and the body was lost on the way.
      throw new GatewayError('gateway_bad_reply', `the connection broke while reading the gateway's reply (HTTP ${res.status})`,
        { status: res.status, retryable: true });
    }
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { /* handled below */ }
    if (res.ok && data !== null) return data;
    const err = data?.error;
    if (err && typeof err.code === 'string') {
      throw new GatewayError(err.code, err.message ?? '', { ...err, status: res.status });
    }
    const code = res.status === 401 || res.status === 403 ? 'unauthorized' : res.ok ? 'gateway_bad_reply' : 'gateway_http';
    throw new GatewayError(code, `gateway answered HTTP ${res.status}`, { status: res.status, retryable: res.status >= 500 });
  }

  capabilities() { return this.request('GET', '/api/capabilities'); }
  /** `{ name, role, limit, maxChange, confirmAbove, store, vendor }` of the presented token. */
  me() { return this.request('GET', '/api/me'); }
  audit({ member, from, to, cursor } = {}) {
    return this.request('GET', '/api/audit', { query: { member: member ? memberRef(member) : undefined, from, to, cursor } });
  }
  /** The CSV export (admins) as a Blob. */
  async auditCsv() {
    const r = await this.fetch(new URL(`${this.base}/api/audit?format=csv`), { headers: { authorization: `Bearer ${this.token}` }, cache: 'no-store' });
    if (!r.ok) throw new GatewayError(r.status === 403 ? 'forbidden' : 'gateway_http', `HTTP ${r.status}`, { status: r.status });
    return r.blob();
  }
  getMember(member) { return this.request('GET', `/api/members/${encodeURIComponent(memberRef(member))}`); }
  getBalance(member) { return this.request('GET', '/api/balance', { query: { member: memberRef(member) } }); }
  ledgerPage({ member, cursor, from, to, pageSize }) {
    return this.request('GET', '/api/ledger', { query: { member: memberRef(member), cursor, from, to, pageSize } });
  }
  adjust({ member, delta, reason, orderId, remark, idempotencyKey }) {
    const body = { member, delta, reason };
    if (orderId) body.orderId = orderId;
    if (remark) body.remark = remark;
    return this.request('POST', '/api/adjust', { body, headers: { 'idempotency-key': idempotencyKey } });
  }
  preview(method, args) { return this.request('POST', '/api/preview', { body: { method, args } }); }
}
