// A small consumer of the package's types: `tsc --noEmit --strict` must pass on it (types.test.mjs).
// It uses no platform typings, so it checks with lib es2022 alone as well as with the DOM.
import init, { buildRequest, capabilities, Client, JifenError, Signer, verifyCallback } from "jifen";
import type {
  AdjustPointsResult, Balance, CallbackResult, Capabilities, Config, ErrorCode, FreemudConfig, IdempotencyStore, KingdeeConfig,
  LedgerEntry, QimaiConfig, SignedRequest, TokenCache,
} from "jifen";

const kingdee: KingdeeConfig = { vendor: "kingdee", clientId: "300721", clientSecret: "test-only", outerInstanceId: "1" };
const freemud: FreemudConfig = { vendor: "freemud", partnerId: "9001", appId: "app", privateKey: "-----BEGIN PRIVATE KEY-----…", baseUrl: "http://127.0.0.1:8700/freemud", verify: "log" };
const qimai: QimaiConfig = { vendor: "qimai", openId: "o", grantCode: "g", openKey: "test-only", version: "v3" };

export async function main(): Promise<number> {
  await init();
  const req: SignedRequest = await buildRequest(kingdee, "/jdy/v2/ls/integral_adjust", { mobile: "13800138000", integral: 10, operation: 5 }, { timestamp: 1, nonce: "1" });
  const sig: string | undefined = req.headers["X-Api-Signature"];
  // The prepared Signer: buildSync for the HMAC vendors, build for every vendor.
  const ks = new Signer(kingdee);
  const now: SignedRequest = ks.buildSync("/jdy/v2/ls/integral_adjust", { mobile: "13800138000", integral: 10, operation: 5 }, { timestamp: 1, nonce: "1" });
  const later: SignedRequest = await new Signer(freemud).build("/member/score/returnScore", { memberId: "1", operationType: 15, orderId: "o1", idempotencyBussinessId: "k1" });
  const qs: SignedRequest = new Signer(qimai).buildSync("/v3/crm/points/addCustomerPoints", { balance: 1, bizId: "b1", customerId: "c1" });
  void now, later, qs;
  ks.free();
  const body: string | null = req.body;

  // The shared stores (README "Two stores"): plain objects, sync or async methods.
  const keys = new Map<string, string>();
  const idempotencyStore: IdempotencyStore = {
    get: (key) => keys.get(key) ?? null,
    putIfAbsent: async (key, value) => (keys.has(key) ? false : (keys.set(key, value), true)),
    delete: (key) => keys.delete(key),
  };
  let token: { value: string; expiresAt: number } | null = null;
  const tokenCache: TokenCache = { get: () => token, set: (value, expiresAt) => { token = { value, expiresAt }; }, lock: async () => true };
  const k = new Client(kingdee, { timeoutMs: 5000, retries: 2, onResponse: (e) => void e.durationMs, idempotencyStore, tokenCache });
  const vendor: "kingdee" = k.vendor;
  const bal = await k.call("/jdy/v2/ls/account_balance_info", { member_id: "1", member_card_id: "2" });
  const usable: number = bal.integral.usable;
  const page = await k.call("/jdy/v2/ls/integral_record", { mobile: "13800138000", page: 1, page_size: 10 });
  const occurs: number[] = page.rows.map((r) => r.occur);

  const f = new Client(freemud);
  const info = await f.call("/member/getMemberInfoByIdOrMobile", { mobile: "18616703980", showScoreSwitch: 1 });
  const memberId: string = info.memberId;
  const checked: "valid" | "invalid" | "absent" | "unchecked" | undefined = info._signature;
  await f.call("/member/score/opt/1", { memberId, score: 5, operationType: 4, idempotencyBussinessId: "evt-1" });
  await f.call("/member/score/opt/1", '{"memberId":"1","score":5,"operationType":4,"idempotencyBussinessId":"evt-1"}');
  const records = await f.call("/member/score/getScoreRecords", { memberId, pageNum: 1 });
  const changes = records.scoreRecords.map((r) => r.changeScore);

  const q = new Client(qimai);
  const pts = await q.call("/v3/crm/points/getCustomerPoints", { customerId: "383933091455959041" });
  const total: number = pts.totalPoints;
  const added = await q.call("user.points-add", { balance: "11", bizId: "b1", customerId: "1", sourceType: 1 });
  const after: number | undefined = added.totalPoints;

  // Operations outside jifen's table (raw results) and the per-call options.
  const customers: unknown = await k.call("GET /jdy/v2/bd/customer", { search: "张三", page: 1 });
  await k.call("POST /jdy/v2/bd/customer_save", { number: "C1" }, { idempotent: true });
  await f.call("/member/coupon/list", '{"memberId":"1"}');
  await q.call("user.coupon-list", { user_id: "1" });
  await q.call("/v3/crm/coupon/list", null);
  await f.call("/member/score/statisticalScore", { memberId: "1" }, { allowFields: ["orderCode"] });
  const other: SignedRequest = await buildRequest(kingdee, "GET /jdy/v2/bd/customer", { page: 1 }, { appToken: "t", allowFields: [] });
  const otherSync: SignedRequest = new Signer(qimai).buildSync("user.coupon-list", { user_id: "1" });
  void customers, other, otherSync;

  // The unified API.
  const adjusted: AdjustPointsResult = await q.adjustPoints({ member: { id: "1" }, delta: -5, reason: "redemption", idempotencyKey: "k1" });
  const balance: Balance = await k.getBalance({ member: { mobile: "13800138000" } });
  const entries: LedgerEntry[] = [];
  for await (const e of f.ledger({ member: { id: memberId }, limit: 50 })) entries.push(e);
  const firstPage = await f.ledgerPage({ member: { id: memberId }, pageSize: 20 });
  const next: string | null = firstPage.cursor;
  const profile = await q.getMember({ member: { mobile: "13700137000" } });
  const preview = await k.preview("adjustPoints", { member: { mobile: "13800138000" }, delta: 10, reason: "promotion", idempotencyKey: "k2" });
  const nativeOp: string = preview.operation;
  const sentParams: { [key: string]: unknown } = preview.params;
  const it = q.ledger({ member: { id: "1" }, from: "2026-11-01" });
  const firstEntry: IteratorResult<LedgerEntry> = await it.next();
  it.free();
  const caps: Capabilities = capabilities("freemud");
  const sendsLedger: boolean = caps.operations.ledger.supported && !caps.operations.getBalance.needsAll;
  const redemption: { code: string; name: string } | null = caps.reasons.redemption;
  const accepts: string[] | undefined = capabilities(kingdee).operations.adjustPoints.accepts;
  const v2: "v2" | "v3" | undefined = capabilities("qimai-v2").version;

  // Any vendor at once: the operation ids of all three.
  const any: Config = Math.random() > 0.5 ? kingdee : qimai;
  const c = new Client(any);
  const r: unknown = await c.call("/v3/crm/points/getCustomerPoints", { customerId: "1" });

  const pushed: CallbackResult = await verifyCallback(freemud, { headers: { "x-transaction-id": "t" }, body: "{}" });
  if (pushed.event.type === "points.changed") {
    const delta: number = pushed.event.data.changeScore;
    void delta;
  }
  const ack: string = pushed.ackBody;

  try {
    await k.call("/jdy/v2/ls/integral_adjust", { mobile: "13800138000", integral: -1, operation: 1 });
  } catch (e) {
    if (e instanceof JifenError) {
      const code: ErrorCode = e.code;
      const retry: boolean = e.retryable;
      const status: number | null = e.httpStatus;
      const json = e.toJSON();
      if (code === "outcome_unknown" && !retry) return json.httpStatus ?? status ?? 0;
    }
    throw e;
  }
  k.free();
  void [sentParams, accepts, v2, nativeOp, firstEntry, sig, body, vendor, usable, occurs, checked, changes, total, after, adjusted, balance, next, profile, preview, sendsLedger, redemption, r, ack];
  return 0;
}
