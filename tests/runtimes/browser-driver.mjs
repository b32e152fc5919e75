// Chromium: before init, the synchronous API throws a clear JifenError; then either an explicit
// `await init(source)` (?init=explicit) or none at all, relying on buildRequest to load the wasm
// (?init=lazy); then the shared smoke test. The result lands in window.__jifenSmoke; then `jifen/sign`'s
// case (its own wasm, loaded the same way), whose result lands in window.__jifenSignSmoke.
import init, * as jifen from 'jifen';
import initSign, * as sign from 'jifen/sign';
import { smoke, signSmoke } from 'smoke';

const mode = new URL(location.href).searchParams.get('init');
const pre = { name: 'before init: new Client() throws JifenError code "config" naming init()', ok: false };
try {
  new jifen.Client({ vendor: 'kingdee', clientId: '1', clientSecret: 'x' });
  pre.error = 'no error thrown';
} catch (e) {
  pre.ok = e instanceof jifen.JifenError && e.code === 'config' && /init\(\)/.test(e.message);
  if (!pre.ok) pre.error = String(e && e.stack || e);
}
try {
  // Explicit: init() given where the wasm is (a fetch promise, in wasm-bindgen's { module_or_path } form);
  // lazy: the default, next to browser.js, loaded by the first buildRequest.
  if (mode === 'explicit') await init({ module_or_path: fetch(new URL('/pkg/jifen_wasm_bg.wasm', location.href)) });
  const fixture = await (await fetch('/fixture.json')).json();
  const result = await smoke(jifen, fixture);
  result.checks.unshift(pre);
  result.passed += pre.ok ? 1 : 0;
  result.failed += pre.ok ? 0 : 1;
  window.__jifenSmoke = { ...result, entry: import.meta.resolve('jifen') };
} catch (e) {
  window.__jifenSmoke = { passed: 0, failed: 1, checks: [{ name: 'page', ok: false, error: String(e && e.stack || e) }] };
}
try {
  const pre = { name: 'jifen/sign before init: new Signer() throws JifenError code "config" naming init()', ok: false };
  try {
    new sign.Signer({ vendor: 'kingdee', clientId: '1', clientSecret: 'x' });
    pre.error = 'no error thrown';
  } catch (e) {
    pre.ok = e instanceof sign.JifenError && e.code === 'config' && /init\(\)/.test(e.message);
    if (!pre.ok) pre.error = String(e && e.stack || e);
  }
  if (mode === 'explicit') await initSign({ module_or_path: fetch(new URL('/pkg/sign/jifen_wasm_bg.wasm', location.href)) });
  const fixture = await (await fetch('/fixture.json')).json();
  const result = await signSmoke(sign, jifen, fixture);
  result.checks.unshift(pre);
  result.passed += pre.ok ? 1 : 0;
  result.failed += pre.ok ? 0 : 1;
  window.__jifenSignSmoke = { ...result, entry: import.meta.resolve('jifen/sign') };
} catch (e) {
  window.__jifenSignSmoke = { passed: 0, failed: 1, checks: [{ name: 'page', ok: false, error: String(e && e.stack || e) }] };
}
