// The plain-JS client (./jifen.js) doing, around each vendor call, the work jifen's Client does there
// and the baseline leaves out, for judging how fair the `getBalance` comparison is (docs/benchmarks.md):
//   * a timeout whose timer is cleared on every path (AbortController + setTimeout/clearTimeout), not
//     `AbortSignal.timeout`, whose timers are never cleared: workerd caps a request at 10,000 active
//     timeouts, which the baseline reaches after 10,000 calls in one request;
//   * the reply headers jifen reads (`date` for the clock skew, `retry-after`, `x-api-requestid`);
//   * the app-token's `expires` checked before each use (the baseline keeps its first token forever);
//   * a nonce from crypto.getRandomValues, not Math.random.
// bench/workerd-bench.mjs measures `getBalance` against both clients and bench/budgets.mjs prints both
// ratios; `node bench/workerd-ab.mjs plain bench/plain-gateway/fair.js target/pkg-…` in the A/B harness.
// The gateway (bench/e2e.mjs) still runs on ./jifen.js.
import { jifen as base } from './jifen.js';

const MARGIN_MS = 5 * 60 * 1000;

class Client extends base.Client {
  async sign(op, params, extra = {}) {
    const r = crypto.getRandomValues(new Uint32Array(2));
    return super.sign(op, params, { nonce: String(1_000_000_000 + ((r[0] * 4294967296 + r[1]) % 9_000_000_000)), ...extra });
  }

  async send(req) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 15_000);
    let r, body;
    try {
      r = await this.fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined, signal: controller.signal });
      const date = r.headers.get('date');
      this.vendorDate = date === null ? null : Date.parse(date);
      this.retryAfter = r.headers.get('retry-after');
      this.requestId = r.headers.get('x-api-requestid');
      body = await r.json();
    } finally {
      clearTimeout(timer);
    }
    const code = body.errcode ?? (body.code === 200 ? 0 : body.code);
    if (!r.ok || code !== 0) throw new Error(`kingdee: HTTP ${r.status}, errcode ${code}`);
    return body.data;
  }

  // Checked on the token once it is known, without another await per call (jifen's check is synchronous).
  token() {
    if (this.known && Date.now() + MARGIN_MS >= this.known.expires) this.auth = this.known = null;
    const p = super.token();
    if (!this.known) p.then((t) => { this.known = t; }, () => {});
    return p;
  }
}

export const jifen = { ...base, Client };
