// The smoke test every runtime runs against the built package: build a signed request for each vendor
// (compared byte for byte with a committed vector), then one `client.call` per vendor against the
// simulator (which verifies every signature), then a JifenError check. Plain ESM with no imports, so
// Node, Bun, Deno, workerd and Chromium all run this same file; the runtime's driver hands in the
// package it imported and the fixture the harness (runtimes.test.mjs) wrote.

/** Names every entry of the package must export as functions (classes included). */
export const API = ['buildRequest', 'Signer', 'Client', 'verifyCallback', 'capabilities', 'JifenError', 'init'];

/**
 * @param {Record<string, any>} jifen the imported package (namespace or `require` result)
 * @param {any} fx the fixture: { simUrl, accounts, kingdee, freemud: { vector, key }, qimai }
 * @returns {Promise<{ passed: number, failed: number, checks: { name: string, ok: boolean, error?: string }[] }>}
 */
export async function smoke(jifen, fx) {
  const checks = [];
  const check = async (name, fn) => {
    try {
      await fn();
      checks.push({ name, ok: true });
    } catch (e) {
      checks.push({ name, ok: false, error: String((e && e.stack) || e) });
    }
  };
  const eq = (got, want, what) => {
    if (got !== want) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  };
  const { buildRequest, Signer, Client, JifenError } = jifen;

  await check('exports the whole API', () => {
    const missing = API.filter((n) => typeof jifen[n] !== 'function');
    if (missing.length) throw new Error(`missing exports: ${missing.join(', ')}`);
  });

  await check('kingdee: buildRequest reproduces vector D2 (HMAC-SHA256)', async () => {
    const v = fx.kingdee;
    const req = await buildRequest({ vendor: 'kingdee', clientId: '200421', clientSecret: v.client_secret },
      v.path, Object.fromEntries(v.query), { timestamp: Number(v.timestamp), nonce: v.nonce });
    eq(req.method, v.method, 'method');
    eq(req.url, `https://api.kingdee.com${v.path}?${v.wire_query}`, 'url');
    eq(req.stringToSign, v.string_to_sign, 'stringToSign');
    eq(req.headers['X-Api-Signature'], v.x_api_signature, 'X-Api-Signature');
    eq(req.body, null, 'body');
  });

  await check('freemud: buildRequest reproduces vector E1 (SHA256withRSA via WebCrypto)', async () => {
    const { vector: v, key } = fx.freemud;
    const req = await buildRequest({ vendor: 'freemud', partnerId: v.partnerId, appId: v.appId, privateKey: key,
      baseUrl: 'https://example.invalid' }, v.path, v.params, { transactionId: 'fixed-id' });
    eq(req.stringToSign, v.canonical, 'stringToSign');
    eq(req.body, v.body, 'body (carries the signature)');
    eq(JSON.parse(req.body).sign, v.signature, 'sign');
    eq(req.headers['x-transaction-id'], 'fixed-id', 'x-transaction-id');
  });

  await check('qimai: buildRequest reproduces vector P3 (HMAC-SHA1 token)', async () => {
    const v = fx.qimai;
    const req = await buildRequest({ vendor: 'qimai', openId: v.fields.openId, grantCode: v.fields.grantCode,
      openKey: v.open_key, version: 'v3', baseUrl: v.url.split('/v3/')[0] },
    v.path, v.params, { timestamp: Number(v.fields.timestamp) * 1000, nonce: v.fields.nonce });
    eq(req.url, v.url, 'url');
    eq(req.body, v.body, 'body (carries the token)');
  });

  await check('Signer: buildSync and build reproduce D2 (Kingdee) and P3 (Qimai), build reproduces E1 (Freemud)', async () => {
    const k = fx.kingdee;
    const kingdee = new Signer({ vendor: 'kingdee', clientId: '200421', clientSecret: k.client_secret });
    const kOpts = { timestamp: Number(k.timestamp), nonce: k.nonce };
    for (const req of [kingdee.buildSync(k.path, Object.fromEntries(k.query), kOpts), await kingdee.build(k.path, Object.fromEntries(k.query), kOpts)]) {
      eq(req.stringToSign, k.string_to_sign, 'kingdee stringToSign');
      eq(req.headers['X-Api-Signature'], k.x_api_signature, 'kingdee X-Api-Signature');
    }
    const q = fx.qimai;
    const qimai = new Signer({ vendor: 'qimai', openId: q.fields.openId, grantCode: q.fields.grantCode, openKey: q.open_key,
      version: 'v3', baseUrl: q.url.split('/v3/')[0] });
    const qOpts = { timestamp: Number(q.fields.timestamp) * 1000, nonce: q.fields.nonce };
    for (const req of [qimai.buildSync(q.path, q.params, qOpts), await qimai.build(q.path, q.params, qOpts)]) {
      eq(req.url, q.url, 'qimai url');
      eq(req.body, q.body, 'qimai body');
    }
    const { vector: f, key } = fx.freemud;
    const freemud = new Signer({ vendor: 'freemud', partnerId: f.partnerId, appId: f.appId, privateKey: key,
      baseUrl: 'https://example.invalid' });
    for (let i = 0; i < 2; i++) {
      const req = await freemud.build(f.path, f.params, { transactionId: 'fixed-id' });
      eq(req.body, f.body, 'freemud body (the kept key signs)');
    }
    let thrown;
    try { freemud.buildSync(f.path, f.params); } catch (e) { thrown = e; }
    if (!(thrown instanceof JifenError)) throw new Error(`freemud buildSync did not throw a JifenError: ${thrown}`);
    eq(thrown.code, 'unsupported', 'freemud buildSync code');
    for (const s of [kingdee, qimai, freemud]) s.free();
  });

  const config = (vendor) => ({ ...fx.accounts[vendor], baseUrl: `${fx.simUrl}/${vendor}` });

  await check('kingdee: client.call account_balance_info against the simulator', async () => {
    const client = new Client(config('kingdee'));
    eq(client.vendor, 'kingdee', 'client.vendor');
    const r = await client.call('/jdy/v2/ls/account_balance_info',
      { member_id: '1480000000000000001', member_card_id: '1490000000000000001' });
    eq(r.integral.member.mobile, '13800138000', 'integral.member.mobile');
    eq(r.integral.usable, 500, 'integral.usable (seed)');
  });

  await check('freemud: client.call getMemberInfoByIdOrMobile against the simulator', async () => {
    const client = new Client(config('freemud'));
    const r = await client.call('/member/getMemberInfoByIdOrMobile', { mobile: '18616703980', showScoreSwitch: 1 });
    eq(r.memberId, '115589208394311926', 'memberId');
    eq(r._signature, 'valid', '_signature (the reply was signed by the platform key)');
  });

  await check('qimai: client.call getCustomerPoints against the simulator', async () => {
    const client = new Client(config('qimai'));
    const r = await client.call('/v3/crm/points/getCustomerPoints', { customerId: '383933091455959041' });
    eq(r.totalPoints, 1000, 'totalPoints (seed)');
  });

  await check('unified API: capabilities(), getBalance, `for await` over ledger()', async () => {
    const caps = jifen.capabilities('qimai');
    eq(caps.vendor, 'qimai', 'capabilities().vendor');
    eq(caps.operations.getBalance.supported, true, 'getBalance supported');
    const client = new Client(config('qimai'));
    const member = { id: '383933091455959041' };
    eq((await client.getBalance({ member })).available, 1000, 'getBalance().available (seed)');
    const seen = [];
    for await (const e of client.ledger({ member, pageSize: 1, limit: 2 })) seen.push(e);
    eq(seen.length, 2, 'ledger entries (limit 2, one per page)');
    eq(typeof seen[0].delta, 'number', 'entry.delta');
  });

  await check('errors are JifenError instances with a code', async () => {
    let thrown;
    try {
      new Client({ vendor: 'nope' });
    } catch (e) {
      thrown = e;
    }
    if (!(thrown instanceof JifenError) || !(thrown instanceof Error)) throw new Error(`not a JifenError: ${thrown}`);
    eq(thrown.code, 'config', 'code');
    const rejected = await buildRequest(fx.accounts.kingdee, '', {}).then(() => null, (e) => e);
    if (!(rejected instanceof JifenError)) throw new Error(`buildRequest did not reject with a JifenError: ${rejected}`);
    eq(rejected.code, 'invalid_input', 'code');
  });

  const failed = checks.filter((c) => !c.ok).length;
  return { passed: checks.length - failed, failed, checks };
}

/** Names `jifen/sign` exports (and nothing of the client). */
export const SIGN_API = ['buildRequest', 'Signer', 'verifyCallback', 'JifenError', 'init'];

/**
 * The short case for `jifen/sign` (its own wasm): its API and nothing of the client; the three vendors'
 * vectors through its `buildRequest` and `Signer`, each request equal to `jifen`'s, key for key; a
 * verified Freemud push; a wrong call is its JifenError.
 * @param {Record<string, any>} sign the imported `jifen/sign`
 * @param {Record<string, any>} jifen the imported `jifen`, to compare with
 * @param {any} fx the fixture
 */
export async function signSmoke(sign, jifen, fx) {
  const checks = [];
  const check = async (name, fn) => {
    try {
      await fn();
      checks.push({ name, ok: true });
    } catch (e) {
      checks.push({ name, ok: false, error: String((e && e.stack) || e) });
    }
  };
  const same = (got, want, what) => {
    const [g, w] = [JSON.stringify(got), JSON.stringify(want)];
    if (g !== w) throw new Error(`${what}: jifen/sign gave ${g}, jifen ${w}`);
  };

  await check('jifen/sign: exports Signer, buildRequest, verifyCallback, JifenError, init and no client', () => {
    const missing = SIGN_API.filter((n) => typeof sign[n] !== 'function');
    if (missing.length) throw new Error(`missing exports: ${missing.join(', ')}`);
    const extra = ['Client', 'capabilities', 'fileTokenCache'].filter((n) => n in sign);
    if (extra.length) throw new Error(`exports what only jifen has: ${extra.join(', ')}`);
  });

  await check('jifen/sign: vectors D2, P3 (buildRequest, Signer.buildSync, Signer.build) and E1 equal jifen\'s', async () => {
    const k = fx.kingdee;
    const kConfig = { vendor: 'kingdee', clientId: '200421', clientSecret: k.client_secret };
    const kArgs = [k.path, Object.fromEntries(k.query), { timestamp: Number(k.timestamp), nonce: k.nonce }];
    const q = fx.qimai;
    const qConfig = { vendor: 'qimai', openId: q.fields.openId, grantCode: q.fields.grantCode, openKey: q.open_key,
      version: 'v3', baseUrl: q.url.split('/v3/')[0] };
    const qArgs = [q.path, q.params, { timestamp: Number(q.fields.timestamp) * 1000, nonce: q.fields.nonce }];
    for (const [config, args, vendor] of [[kConfig, kArgs, 'kingdee'], [qConfig, qArgs, 'qimai']]) {
      const want = await jifen.buildRequest(config, ...args);
      same(await sign.buildRequest(config, ...args), want, `${vendor} buildRequest`);
      const signer = new sign.Signer(config);
      same(signer.buildSync(...args), want, `${vendor} signer.buildSync`);
      same(await signer.build(...args), want, `${vendor} signer.build`);
      signer.free();
    }
    const kReq = await sign.buildRequest(kConfig, ...kArgs);
    if (kReq.headers['X-Api-Signature'] !== k.x_api_signature) throw new Error('kingdee: not vector D2\'s signature');
    if ((await sign.buildRequest(qConfig, ...qArgs)).body !== q.body) throw new Error('qimai: not vector P3\'s body');
    const { vector: f, key } = fx.freemud;
    const fConfig = { vendor: 'freemud', partnerId: f.partnerId, appId: f.appId, privateKey: key, baseUrl: 'https://example.invalid' };
    const fArgs = [f.path, f.params, { transactionId: 'fixed-id' }];
    const want = await jifen.buildRequest(fConfig, ...fArgs);
    if (want.body !== f.body) throw new Error('freemud: jifen does not give vector E1');
    same(await sign.buildRequest(fConfig, ...fArgs), want, 'freemud buildRequest');
    const signer = new sign.Signer(fConfig);
    same(await signer.build(...fArgs), want, 'freemud signer.build (the kept key)');
    signer.free();
  });

  await check('jifen/sign: verifyCallback reads a push as jifen does; a wrong call is its JifenError', async () => {
    const config = { vendor: 'freemud', partnerId: '9001', appId: 'app-1', verify: 'off' };
    const body = JSON.stringify({ ver: '1', partnerId: '9001', appId: 'app-1', sign: '',
      requestBody: JSON.stringify({ memberId: '1', mobile: '13800000000', changeScore: 5, currentScore: 10, changeType: 1 }) });
    const request = { headers: { 'x-transaction-id': 'tx-1' }, body };
    same(await sign.verifyCallback(config, request), await jifen.verifyCallback(config, request), 'verifyCallback');
    let thrown;
    try { new sign.Signer({ vendor: 'nope' }); } catch (e) { thrown = e; }
    if (!(thrown instanceof sign.JifenError) || !(thrown instanceof Error) || thrown.code !== 'config') {
      throw new Error(`new Signer({ vendor: "nope" }) did not throw jifen/sign's JifenError "config": ${thrown}`);
    }
    const rejected = await sign.buildRequest(fx.accounts.kingdee, '', {}).then(() => null, (e) => e);
    if (!(rejected instanceof sign.JifenError) || rejected.code !== 'invalid_input') throw new Error(`buildRequest: ${rejected}`);
  });

  const failed = checks.filter((c) => !c.ok).length;
  return { passed: checks.length - failed, failed, checks };
}

/** The line a driver prints for the harness. */
export const report = (runtime, entry, result) => `JIFEN-SMOKE ${JSON.stringify({ runtime, entry, ...result })}`;
/** The line a driver prints for `jifen/sign`'s case. */
export const signReport = (runtime, entry, result) => `JIFEN-SIGN-SMOKE ${JSON.stringify({ runtime, entry, ...result })}`;
