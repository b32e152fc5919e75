// The gateway's configuration: which env binding feeds which field of the
// jifen vendor config, which of them are secrets, and the gateway's own
// settings. Pure JS with no imports, so Node (the start script, the tests)
// reads the same table the Worker does.

/** The vendors a gateway can front; one per instance. */
export const VENDORS = ['kingdee', 'freemud', 'qimai'];

/**
 * Per vendor: env binding name → [config key, secret?]. Every binding is
 * optional here; the jifen Client says what a config lacks.
 */
export const VENDOR_BINDINGS = {
  kingdee: {
    KINGDEE_CLIENT_ID: ['clientId', false],
    KINGDEE_CLIENT_SECRET: ['clientSecret', true],
    KINGDEE_OUTER_INSTANCE_ID: ['outerInstanceId', false],
    KINGDEE_APP_KEY: ['appKey', false],
    KINGDEE_APP_SECRET: ['appSecret', true],
    KINGDEE_DOMAIN: ['domain', false],
  },
  freemud: {
    FREEMUD_PARTNER_ID: ['partnerId', false],
    FREEMUD_APP_ID: ['appId', false],
    FREEMUD_PRIVATE_KEY: ['privateKey', true],
    FREEMUD_ACCESS_TOKEN: ['accessToken', true],
    FREEMUD_PLATFORM_PUBLIC_KEY: ['platformPublicKey', false],
    FREEMUD_VERIFY: ['verify', false],
  },
  qimai: {
    QIMAI_OPEN_ID: ['openId', false],
    QIMAI_GRANT_CODE: ['grantCode', false],
    QIMAI_OPEN_KEY: ['openKey', true],
    QIMAI_VERSION: ['version', false],
    QIMAI_KEY_CASE: ['keyCase', false],
  },
};

/**
 * The gateway's own bindings (not vendor credentials). STAFF, MAX_CHANGE, CONFIRM_ABOVE and
 * STORE_NAME are read by staff.js; ADMIN_TOKEN only to refuse to start with it (it is replaced
 * by STAFF: README.md, "Migrating from ADMIN_TOKEN").
 */
export const GATEWAY_BINDINGS = ['VENDOR', 'UPSTREAM', 'STAFF', 'STORE_NAME', 'MAX_CHANGE', 'CONFIRM_ABOVE', 'ADMIN_TOKEN', 'ADMIN_ORIGIN',
  'MAX_BODY_BYTES', 'TIMEOUT_MS', 'RETRIES', 'ALLOW_UNSHARED_KINGDEE_STORE', 'JIFEN_COORDINATOR_TOKEN', 'JIFEN_COORDINATOR_STORAGE'];

/** Gateway bindings that are secrets (besides ADMIN_TOKEN): redacted like the vendor's. */
const SECRET_GATEWAY_BINDINGS = ['JIFEN_COORDINATOR_TOKEN'];

/** The simulator's address when UPSTREAM is not set (`make sim` listens there). */
export const DEFAULT_SIM = 'http://127.0.0.1:8700';

/** Body limit when MAX_BODY_BYTES is not set. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The env binding names (gateway + this vendor's) that are set, in table order. */
export function bindingNames(vendor) {
  return [...GATEWAY_BINDINGS, ...Object.keys(VENDOR_BINDINGS[vendor] ?? {})];
}

/**
 * Env bindings for a jifen vendor config object (the inverse of vendorConfig),
 * e.g. `bindingsFor('kingdee', accounts.kingdee)`. Keys without a binding are
 * ignored (vendor, baseUrl: use UPSTREAM).
 */
export function bindingsFor(vendor, config) {
  const table = VENDOR_BINDINGS[vendor];
  if (!table) throw new Error(`unknown vendor ${JSON.stringify(vendor)}; one of ${VENDORS.join(', ')}`);
  const out = {};
  for (const [name, [key]] of Object.entries(table)) {
    if (config?.[key] !== undefined && config[key] !== null) out[name] = String(config[key]);
  }
  return out;
}

/** The secret values present in `env` (the admin token and the vendor's secret bindings). */
export function secretValues(env) {
  const out = [];
  if (typeof env.ADMIN_TOKEN === 'string' && env.ADMIN_TOKEN) out.push(env.ADMIN_TOKEN);
  for (const name of SECRET_GATEWAY_BINDINGS) if (typeof env[name] === 'string' && env[name]) out.push(env[name]);
  for (const table of Object.values(VENDOR_BINDINGS)) {
    for (const [name, [, secret]] of Object.entries(table)) {
      if (secret && typeof env[name] === 'string' && env[name]) out.push(env[name]);
    }
  }
  return out;
}

/** Settings read from env; `error` says what is wrong, without any value. */
export function gatewaySettings(env) {
  const vendor = String(env.VENDOR ?? 'kingdee').trim().toLowerCase();
  if (!VENDORS.includes(vendor)) {
    return { error: `VENDOR must be one of ${VENDORS.join(', ')}` };
  }
  const upstream = String(env.UPSTREAM || `${DEFAULT_SIM}/${vendor}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(upstream)) return { error: 'UPSTREAM must be an http(s) URL' };
  const maxBodyBytes = intSetting(env.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, 1, 16 * 1024 * 1024);
  const timeoutMs = intSetting(env.TIMEOUT_MS, undefined, 1, 600_000);
  const retries = intSetting(env.RETRIES, undefined, 0, 10);
  if ([maxBodyBytes, timeoutMs, retries].includes(null)) {
    return { error: 'MAX_BODY_BYTES, TIMEOUT_MS and RETRIES must be integers in range' };
  }
  // A coordinator in another process answers only with its token: without one every call would fail.
  if (env.JIFEN_COORDINATOR_SERVICE !== undefined
    && !(typeof env.JIFEN_COORDINATOR_TOKEN === 'string' && env.JIFEN_COORDINATOR_TOKEN.length >= 16)) {
    return { error: 'JIFEN_COORDINATOR_SERVICE needs JIFEN_COORDINATOR_TOKEN, the coordinator\'s token (16+ characters)' };
  }
  const origin = typeof env.ADMIN_ORIGIN === 'string' ? env.ADMIN_ORIGIN.trim().replace(/\/+$/, '') : '';
  return { vendor, upstream, maxBodyBytes, timeoutMs, retries, adminOrigin: origin || null };
}

function intSetting(value, dflt, lo, hi) {
  if (value === undefined || value === null || value === '') return dflt;
  const s = String(value).trim();
  if (!/^\d{1,9}$/.test(s)) return null;
  const n = Number(s);
  return n >= lo && n <= hi ? n : null;
}

/** The jifen config for `vendor` from env bindings, baseUrl = UPSTREAM. */
export function vendorConfig(env, vendor, upstream) {
  const config = { vendor, baseUrl: upstream };
  for (const [name, [key]] of Object.entries(VENDOR_BINDINGS[vendor])) {
    const v = env[name];
    if (typeof v === 'string' && v !== '') config[key] = v;
  }
  return config;
}
