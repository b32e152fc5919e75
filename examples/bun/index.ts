// Bun: Kingdee 精斗云 with a token cache in a file, so running the script again within a minute reuses
// the app-token (Kingdee allows 2 token calls a minute per account set; without a shared cache the
// third run in a minute is refused with `rate_limited`).
// Against the simulator: npx jifen sim -- bun bun/index.ts
import { Client, fileTokenCache } from "jifen";

const env = Bun.env;
const client = new Client(
  {
    vendor: "kingdee",
    clientId: env.JIFEN_KINGDEE_CLIENT_ID!,
    clientSecret: env.JIFEN_KINGDEE_CLIENT_SECRET!,
    appKey: env.JIFEN_KINGDEE_APP_KEY,
    appSecret: env.JIFEN_KINGDEE_APP_SECRET,
    outerInstanceId: env.JIFEN_KINGDEE_OUTER_INSTANCE_ID,
    domain: env.JIFEN_KINGDEE_DOMAIN,
    baseUrl: env.JIFEN_KINGDEE_BASE_URL,
  },
  // One file per account set; it holds a live token, so it is created readable by you only (0600).
  { tokenCache: fileTokenCache(env.JIFEN_TOKEN_CACHE ?? ".jifen/kingdee-token.json") },
);
// The simulator's seeded member 张三 (Kingdee reads a balance by member id and card id).
const member = { id: Bun.argv[2] ?? "1480000000000000001", cardId: Bun.argv[3] ?? "1490000000000000001" };
const { available, total } = await client.getBalance({ member });
console.log(`balance: ${available} (earned in all: ${total})`);
