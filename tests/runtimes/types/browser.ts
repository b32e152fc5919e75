// Browser consumer (lib dom): init with the platform's own types, and fetch as the transport.
import init, { Client } from "jifen";
export async function start(): Promise<string> {
  await init(new URL("/assets/jifen_wasm_bg.wasm", location.href));
  await init(fetch("/assets/jifen_wasm_bg.wasm"));
  const client = new Client({ vendor: "kingdee", clientId: "1", clientSecret: "test-only" }, { fetch: (url, init) => fetch(url, init) });
  const direct = new Client({ vendor: "kingdee", clientId: "1", clientSecret: "test-only" }, { fetch });
  void direct;
  return client.vendor;
}
