// `jifen/sign` from CommonJS (`import x = require("jifen/sign")`): the "require" types.
import sign = require("jifen/sign");
const signer = new sign.Signer({ vendor: "qimai", openId: "o", grantCode: "g", openKey: "test-only" });
export const url: string = signer.buildSync("user.points-add", { customerId: "1", balance: 1, bizId: "k-1" }).url;
export const isError = (e: unknown): boolean => e instanceof sign.JifenError && e.code === "timeout";
