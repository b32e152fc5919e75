// Wrong uses: each line below must be a type error, or `@ts-expect-error` itself fails the check.
import { buildRequest, capabilities, Client, JifenError, Signer } from "jifen";

const kingdee = { vendor: "kingdee", clientId: "1", clientSecret: "test-only" } as const;
const freemud = { vendor: "freemud", partnerId: "1", appId: "a", privateKey: "test-only", baseUrl: "http://127.0.0.1" } as const;

export async function wrong(): Promise<void> {
  // @ts-expect-error: a config without its vendor's required fields
  new Client({ vendor: "qimai", openId: "o" });
  // @ts-expect-error: an unknown vendor
  new Client({ vendor: "nope" });
  // @ts-expect-error: Freemud needs a privateKey unless devSkipSignature is true
  new Client({ vendor: "freemud", partnerId: "1", appId: "a", baseUrl: "http://127.0.0.1" });
  const k = new Client(kingdee);
  // @ts-expect-error: an operation of another vendor
  await k.call("/member/getMembers", { pageNum: 1, pageSize: 10 });
  // @ts-expect-error: a missing required param
  await k.call("/jdy/v2/ls/integral_adjust", { mobile: "13800138000", integral: 5 });
  // @ts-expect-error: a param of the wrong type
  await k.call("/jdy/v2/ls/account_balance_info", { member_id: 1, member_card_id: "2" });
  // @ts-expect-error: a Kingdee operation outside the table needs its method
  await k.call("/jdy/v2/bd/customer", {});
  // @ts-expect-error: only GET and POST
  await k.call("PUT /jdy/v2/bd/customer", {});
  // @ts-expect-error: a Kingdee operation outside the table takes an object, not a string
  await k.call("POST /jdy/v2/bd/customer_save", "{}");
  // @ts-expect-error: allowFields is a list of names
  await k.call("/jdy/v2/ls/integral_record", { mobile: "1" }, { allowFields: "shop_id" });
  const bal = await k.call("/jdy/v2/ls/account_balance_info", { member_id: "1", member_card_id: "2" });
  // @ts-expect-error: results are typed, not any
  const s: string = bal.integral.usable;
  // @ts-expect-error: an unknown reason
  await k.adjustPoints({ member: { id: "1" }, delta: 1, reason: "gift", idempotencyKey: "k" });
  // @ts-expect-error: idempotencyKey is required
  await k.adjustPoints({ member: { id: "1" }, delta: 1, reason: "purchase" });
  // @ts-expect-error: an unknown preview method
  await k.preview("ledger", { member: { id: "1" } });
  // @ts-expect-error: an unknown vendor
  capabilities("shopify");
  // @ts-expect-error: an idempotency store needs putIfAbsent (the atomic claim)
  new Client(kingdee, { idempotencyStore: { get: () => null } });
  // @ts-expect-error: an unknown error code
  new JifenError("boom", "message");
  // @ts-expect-error: Freemud signs with RSA, asynchronously: no buildSync
  new Signer(freemud).buildSync("/member/score/returnScore", { memberId: "1", operationType: 15, orderId: "o1", idempotencyBussinessId: "k1" });
  // @ts-expect-error: the Signer checks params per operation as buildRequest does
  new Signer(kingdee).buildSync("/jdy/v2/ls/integral_record", { page_size: true });
  // @ts-expect-error: buildRequest checks params per operation too
  await buildRequest(kingdee, "/jdy/v2/ls/integral_record", { page_size: true });
  void s;
}
