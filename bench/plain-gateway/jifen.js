// The plain-JavaScript stand-in for the jifen package inside the gateway, for
// the end-to-end benchmark (bench/e2e.mjs). The gateway (www-demo/worker/src/)
// runs unchanged; only its `./jifen.js` module is swapped for this file, so the
// two measurements differ in exactly one thing: the vendor layer, wasm jifen
// or ~100 lines of hand-written JS doing the same Kingdee signing on
// crypto.subtle (the CryptoKey imported once per client, which favours this
// side over aws4fetch's import-per-call).
//
// It implements what the benchmarked route needs and no more: `new Client(config, { fetch? })`
// for Kingdee with `getBalance({ member: { id, cardId } })`, the app-token flow
// (push_app_authorize → kingdee_auth_token, cached, single-flight), the same
// vendor calls as jifen and the same answer (bench/e2e.mjs asserts the two
// gateways return equal bodies before timing).
import { kingdeeSubtle, hexBase64Hmac } from '../baselines/kingdee.mjs';

const enc = new TextEncoder();
const num = (v) => (v === undefined || v === null || v === '' ? v : Number(v));

class Client {
  constructor(config, options = {}) {
    if (config.vendor !== 'kingdee') throw new Error('the plain-JS baseline implements Kingdee only');
    this.config = config;
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.key = null;
    this.auth = null; // a promise of { appToken, domain, expires }
  }

  get vendor() { return 'kingdee'; }

  async sign(op, params, extra = {}) {
    this.key ??= await crypto.subtle.importKey('raw', enc.encode(this.config.clientSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const nonce = String(1_000_000_000 + Math.floor(Math.random() * 9_000_000_000));
    return kingdeeSubtle(this.config, op, params, { timestamp: Date.now(), nonce, key: this.key, ...extra });
  }

  async send(req) {
    // A timeout, as jifen's client has (15 s by default).
    const r = await this.fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined, signal: AbortSignal.timeout(15_000) });
    const body = await r.json();
    const code = body.errcode ?? (body.code === 200 ? 0 : body.code);
    if (!r.ok || code !== 0) throw new Error(`kingdee: HTTP ${r.status}, errcode ${code}`);
    return body.data;
  }

  token() {
    if (this.auth) return this.auth;
    this.auth = (async () => {
      const rows = await this.send(await this.sign('/jdyconnector/app_management/push_app_authorize', { outerInstanceId: this.config.outerInstanceId }));
      const row = rows.find((r) => r.status === 1) ?? rows[0];
      const app_signature = await hexBase64Hmac(row.appSecret, row.appKey);
      const t = await this.send(await this.sign('/jdyconnector/app_management/kingdee_auth_token', { app_key: row.appKey, app_signature }));
      return { appToken: t['app-token'], domain: row.domain, expires: Number(t.expires) };
    })();
    this.auth.catch(() => { this.auth = null; });
    return this.auth;
  }

  async getBalance({ member }) {
    const { appToken, domain } = await this.token();
    const req = await this.sign('/jdy/v2/ls/account_balance_info', { member_id: member.id, member_card_id: member.cardId }, { appToken, domain });
    const data = await this.send(req);
    const i = data.integral;
    const m = i.member;
    const r = data.recharge ?? {};
    // jifen's shape: numbers normalised, the fields it documents, in its order.
    const raw = {
      integral: {
        member: { id: m.id, mobile: m.mobile, name: m.name, db_modify_time: m.db_modify_time },
        mb_card: { id: i.mb_card.id, card_no: i.mb_card.card_no },
        total: num(i.total), level_total: num(i.level_total), last: num(i.last), pre: num(i.pre), usable: num(i.usable),
      },
      recharge: {
        accu_gift: r.accu_gift, accu_recharge: r.accu_recharge, available_gift: r.available_gift, available_recharge: r.available_recharge,
        gift_amt: r.gift_amt, pre_ver_gift: r.pre_ver_gift, pre_ver_recharge: r.pre_ver_recharge, re_charge_amt: r.re_charge_amt,
      },
    };
    return { available: num(i.usable), total: num(i.total), pending: num(i.pre), raw };
  }
}

class JifenError extends Error {}

export const jifen = { Client, buildRequest: undefined, verifyCallback: undefined, capabilities: undefined, JifenError };
