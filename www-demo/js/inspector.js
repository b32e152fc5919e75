// The request inspector: the signed vendor request an action would send.
// Against a real vendor it asks the gateway's preview route (the page never
// holds a vendor secret). In simulator mode it can also sign here, with the
// wasm package (the gateway's own code) and the simulator's made-up test
// credentials, fetched from the simulator itself.

const SECRET_HEADERS = /^(authorization|app-token|access_token|x-api-signature|cookie|x-api-secret)$/i;
const SECRET_FIELDS = /^(token|access_?token|app_?secret|client_?secret|open_?key|private_?key|password|app-token)$/i;

/** Masks what must never be shown, in case a preview left something in (defence in depth). */
export function maskRequest(req) {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k] = SECRET_HEADERS.test(k) && v !== '***' ? '***' : String(v);
  let body = req.body ?? null;
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      const j = JSON.parse(body);
      let changed = false;
      const walk = (o) => {
        if (!o || typeof o !== 'object') return;
        for (const k of Object.keys(o)) {
          if (SECRET_FIELDS.test(k) && typeof o[k] === 'string' && o[k] !== '***') { o[k] = '***'; changed = true; } else walk(o[k]);
        }
      };
      walk(j);
      if (changed) body = JSON.stringify(j);
    } catch { /* not JSON: shown as is */ }
  }
  return { method: req.method, url: req.url, headers, body, stringToSign: req.stringToSign ?? '', operation: req.operation ?? null };
}

const shq = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** `curl` command line for a request (POSIX shell quoting). */
export function toCurl(req) {
  const lines = [`curl -X ${req.method} ${shq(req.url)}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`  -H ${shq(`${k}: ${v}`)}`);
  if (req.body != null && req.body !== '') lines.push(`  --data-raw ${shq(req.body)}`);
  return lines.join(' \\\n');
}

let wasm = null;

/** Loads the package's browser build once: `pkg/browser.js` if present, else the wasm-bindgen glue. */
async function loadPackage(pkgBase) {
  if (wasm) return wasm;
  wasm = (async () => {
    try {
      const m = await import(new URL('browser.js', pkgBase).href);
      if (typeof m.init === 'function') await m.init();
      return { Client: m.Client };
    } catch {
      const m = await import(new URL('jifen_wasm.js', pkgBase).href);
      await m.default({ module_or_path: new URL('jifen_wasm_bg.wasm', pkgBase) });
      return { Client: m.Client };
    }
  })();
  wasm.catch(() => { wasm = null; });
  return wasm;
}

const clients = new Map();

/** Signs in the page against the simulator at `simUrl` (test credentials only). */
export async function previewLocally({ pkgBase, simUrl, vendor }, method, args) {
  const sim = String(simUrl).replace(/\/+$/, '');
  const key = `${sim}|${vendor}`;
  if (!clients.has(key)) {
    clients.set(key, (async () => {
      const { Client } = await loadPackage(pkgBase);
      const res = await fetch(`${sim}/_sim/accounts`, { cache: 'no-store' });
      if (!res.ok) throw Object.assign(new Error(`simulator answered HTTP ${res.status}`), { code: 'gateway_http' });
      const accounts = await res.json();
      if (!accounts[vendor]) throw Object.assign(new Error(`simulator has no ${vendor} account`), { code: 'config' });
      return new Client({ ...accounts[vendor], baseUrl: `${sim}/${vendor}` });
    })());
    clients.get(key).catch(() => clients.delete(key));
  }
  const client = await clients.get(key);
  if (typeof client.preview !== 'function') {
    throw Object.assign(new Error('this build of the package has no preview()'), { code: 'unsupported' });
  }
  return client.preview(method, args);
}
