// `jifen/sign` (ESM): the signing API with the main entry's types; the config and request types
// import from here too.
import init, { buildRequest, Signer, verifyCallback, JifenError } from "jifen/sign";
import type { KingdeeConfig, SignedRequest, CallbackResult } from "jifen/sign";

const kingdee: KingdeeConfig = { vendor: "kingdee", clientId: "1", clientSecret: "test-only" };
export async function sign(): Promise<string> {
  await init();
  const signer = new Signer(kingdee);
  const now: SignedRequest = signer.buildSync("/jdy/v2/ls/account_balance_info", { member_id: "1", member_card_id: "2" });
  const later: SignedRequest = await buildRequest(kingdee, "/jdy/v2/ls/account_balance_info", { member_id: "1", member_card_id: "2" });
  signer.free();
  const push: CallbackResult = await verifyCallback({ vendor: "freemud", partnerId: "1", appId: "a", baseUrl: "http://127.0.0.1", devSkipSignature: true, verify: "off" },
    { headers: {}, body: "{}" });
  return now.url + later.stringToSign + push.ackBody;
}
export const isError = (e: unknown): boolean => e instanceof JifenError && e.code === "signature";
