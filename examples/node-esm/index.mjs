// Node, ES modules: a member's balance, a points change, the latest ledger rows (Qimai 企迈).
// Against the simulator: npx jifen sim -- node node-esm/index.mjs
// Against Qimai: set JIFEN_QIMAI_OPEN_ID, JIFEN_QIMAI_GRANT_CODE, JIFEN_QIMAI_OPEN_KEY (and a member id as argument).
import { randomUUID } from 'node:crypto';
import { Client, JifenError } from 'jifen';

const env = process.env;
const client = new Client({
  vendor: 'qimai',
  openId: env.JIFEN_QIMAI_OPEN_ID,
  grantCode: env.JIFEN_QIMAI_GRANT_CODE,
  openKey: env.JIFEN_QIMAI_OPEN_KEY,
  baseUrl: env.JIFEN_QIMAI_BASE_URL, // unset: Qimai's production gateway
});
const member = { id: process.argv[2] ?? '383933091455959041' }; // the simulator's seeded member 陈一

try {
  const before = await client.getBalance({ member });
  console.log(`balance: ${before.available}`);
  // One idempotency key per business event: a retry with the same key cannot apply twice.
  const change = await client.adjustPoints({ member, delta: 10, reason: 'promotion', idempotencyKey: randomUUID() });
  console.log(`adjusted +10: applied=${change.applied} balance=${change.balance}`);
  for await (const entry of client.ledger({ member, limit: 3 })) console.log(`ledger ${entry.at} ${entry.delta} ${entry.type.name}`);
} catch (e) {
  if (!(e instanceof JifenError)) throw e;
  console.error(`jifen error ${e.code}${e.vendorCode ? ` (vendor ${e.vendorCode})` : ''}: ${e.message}`);
  process.exitCode = 1;
}
