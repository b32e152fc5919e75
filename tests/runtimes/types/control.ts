// A negative control: this must FAIL the check (proves tsc really reads the files and resolves "jifen").
import { Client } from "jifen";
const n: number = new Client({ vendor: "kingdee", clientId: "1", clientSecret: "x" }).vendor;
export { n };
