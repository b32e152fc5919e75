// TypeScript (strict): configs, operation ids, params and results are typed per vendor; a typo in an
// operation id or a param name fails to compile. Build, then run against the simulator:
//   npx tsc -p typescript && npx jifen sim -- node typescript/dist/index.js
import { Client, JifenError, type QimaiConfig } from "jifen";

// With @types/node installed (npm install -D @types/node) these declarations are not needed.
declare const process: { env: Record<string, string | undefined>; argv: string[]; exitCode?: number };
declare const console: { log(...data: unknown[]): void; error(...data: unknown[]): void };

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`set ${name} (or run under \`npx jifen sim -- …\`)`);
  return v;
}

const config: QimaiConfig = {
  vendor: "qimai",
  openId: required("JIFEN_QIMAI_OPEN_ID"),
  grantCode: required("JIFEN_QIMAI_GRANT_CODE"),
  openKey: required("JIFEN_QIMAI_OPEN_KEY"),
  ...(process.env.JIFEN_QIMAI_BASE_URL ? { baseUrl: process.env.JIFEN_QIMAI_BASE_URL } : {}),
};
const client = new Client(config);
const customerId = process.argv[2] ?? "383933091455959041"; // the simulator's seeded member

try {
  // Vendor-native and typed: `points.totalPoints` is a number, a misspelt param does not compile.
  const points = await client.call("/v3/crm/points/getCustomerPoints", { customerId });
  console.log(`balance: ${points.totalPoints} (${points.soonExpiredPoints} expiring ${points.expiredTime || "never"})`);
  const { available } = await client.getBalance({ member: { id: customerId } });
  console.log(`getBalance agrees: ${available === points.totalPoints}`);
} catch (e) {
  if (!(e instanceof JifenError)) throw e;
  console.error(`jifen error ${e.code}: ${e.message}`);
  process.exitCode = 1;
}
