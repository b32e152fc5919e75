// CommonJS consumer: `require("jifen")` through the package's "require" types.
import jifen = require("jifen");
const client = new jifen.Client({ vendor: "qimai", openId: "o", grantCode: "g", openKey: "test-only" });
export const pending: Promise<number> = client.call("/v3/crm/points/getCustomerPoints", { customerId: "1" }).then((r) => r.totalPoints);
export const isError = (e: unknown): boolean => e instanceof jifen.JifenError && e.code === "timeout";
