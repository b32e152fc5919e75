// The request inspector: the signed vendor request an action would send.
// Against a real vendor it asks the gateway's preview route (the page never
// holds a vendor secret). In simulator mode it can also sign here: the
// gateway's plan (vendor operation and params) signed with `jifen/sign` (the
// package's signing entry, its own smaller wasm) and the simulator's made-up
// test credentials, fetched from the simulator itself.

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

let sign = null;

/** Loads `jifen/sign`'s browser build once (pkg/sign/browser.js: the signing API, its own smaller wasm). */
async function loadSign(pkgBase) {
  sign ??= (async () => {
    const m = await import(new URL('sign/browser.js', pkgBase).href);
    await m.init();
    return m;
  })();
  sign.catch(() => { sign = null; });
  return sign;
}

const signers = new Map();

/**
 * Signs in the page, with `jifen/sign` and the simulator's test credentials (fetched from the simulator
 * at `simUrl`), the plan the gateway made for `method(args)`: `plan` is the gateway's preview, whose
 * `operation` and `params` say which vendor call the unified method becomes (the points mapping stays
 * in one place, the gateway's client).
 */
export async function previewLocally({ pkgBase, simUrl, vendor, plan }, method, args) {
  const sim = String(simUrl).replace(/\/+$/, '');
  const key = `${sim}|${vendor}`;
  if (!signers.has(key)) {
    signers.set(key, (async () => {
      const { Signer } = await loadSign(pkgBase);
      const res = await fetch(`${sim}/_sim/accounts`, { cache: 'no-store' });
      if (!res.ok) throw Object.assign(new Error(`simulator answered HTTP ${res.status}`), { code: 'gateway_http' });
      const accounts = await res.json();
      if (!accounts[vendor]) throw Object.assign(new Error(`simulator has no ${vendor} account`), { code: 'config' });
      return new Signer({ ...accounts[vendor], baseUrl: `${sim}/${vendor}` });
    })());
    signers.get(key).catch(() => signers.delete(key));
  }
  const [signer, planned] = await Promise.all([signers.get(key), plan(method, args)]);
  if (typeof planned?.operation !== 'string') {
    throw Object.assign(new Error('the gateway\'s preview names no vendor operation to sign'), { code: 'unsupported' });
  }
  const req = await signer.build(planned.operation, planned.params ?? {});
  return { ...req, operation: planned.operation };
}
