// Deno: the same package ("jifen" resolves to its Deno entry; the wasm loads without --allow-read).
// Against the simulator: npx jifen sim -- deno run --allow-net --allow-env deno/main.ts
import { buildRequest, Client } from "jifen";

const config = {
  vendor: "qimai" as const,
  openId: Deno.env.get("JIFEN_QIMAI_OPEN_ID")!,
  grantCode: Deno.env.get("JIFEN_QIMAI_GRANT_CODE")!,
  openKey: Deno.env.get("JIFEN_QIMAI_OPEN_KEY")!,
  baseUrl: Deno.env.get("JIFEN_QIMAI_BASE_URL"),
};
const customerId = Deno.args[0] ?? "383933091455959041"; // the simulator's seeded member

// A dry run first: what would be sent (the token is a per-request signature, not a credential).
const req = await buildRequest(config, "/v3/crm/points/getCustomerPoints", { customerId });
console.log(`dry run: ${req.method} ${req.url}`);

const { available } = await new Client(config).getBalance({ member: { id: customerId } });
console.log(`balance: ${available}`);
