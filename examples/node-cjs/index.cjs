// Node, CommonJS (require): a Freemud 非码 member's balance and a points grant, with signed replies checked.
// Against the simulator: npx jifen sim -- node node-cjs/index.cjs
// Against Freemud: set JIFEN_FREEMUD_PARTNER_ID, _APP_ID, _PRIVATE_KEY (PEM), _ACCESS_TOKEN, _BASE_URL,
// _PLATFORM_PUBLIC_KEY.
'use strict';
const { randomUUID } = require('node:crypto');
const { Client, JifenError } = require('jifen');

async function main() {
  const env = process.env;
  const client = new Client({
    vendor: 'freemud',
    partnerId: env.JIFEN_FREEMUD_PARTNER_ID,
    appId: env.JIFEN_FREEMUD_APP_ID,
    privateKey: env.JIFEN_FREEMUD_PRIVATE_KEY,
    accessToken: env.JIFEN_FREEMUD_ACCESS_TOKEN,
    baseUrl: env.JIFEN_FREEMUD_BASE_URL,
    platformPublicKey: env.JIFEN_FREEMUD_PLATFORM_PUBLIC_KEY,
    verify: env.JIFEN_FREEMUD_PLATFORM_PUBLIC_KEY ? 'enforce' : 'off',
  });
  const member = { id: process.argv[2] || '115589208394311926' }; // the simulator's seeded member
  const balance = await client.getBalance({ member });
  console.log(`balance: ${balance.available}`);
  const change = await client.adjustPoints({ member, delta: 5, reason: 'manual_grant', idempotencyKey: randomUUID(), remark: 'example' });
  console.log(`adjusted +5: applied=${change.applied} balance=${change.balance}`);
}

main().catch((e) => {
  if (!(e instanceof JifenError)) throw e;
  console.error(`jifen error ${e.code}: ${e.message}`);
  process.exitCode = 1;
});
