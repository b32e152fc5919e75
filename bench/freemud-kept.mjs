// The Freemud kept-key contenders that bench/freemud-kept-loop.mjs and bench/freemud-phases.mjs time:
// node-bench's inputs (the simulator's made-up account, `score/opt/1`), the JS baseline with a kept
// CryptoKey (bench/baselines/freemud.mjs) and each package's `signer.build`, one Signer per package.
import { readFileSync } from 'node:fs';
import { freemudSubtleCached } from './baselines/freemud.mjs';

const root = new URL('../', import.meta.url);
const accounts = JSON.parse(readFileSync(new URL('sim/accounts.json', root)));
/** node-bench's Freemud config, options and `[operation, params]`. */
export const fm = { ...accounts.freemud, baseUrl: 'https://example.invalid/freemud' };
export const fmOpts = { transactionId: '7f0c1d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f' };
export const fmAdd = ['/member/score/opt/1', { memberId: '115589208394311926', score: 50, operationType: 4, idempotencyBussinessId: 'bench-fm-1' }];

/** `{ js, cases }`: the baseline and, by label, a call of each contender (the baseline first, then `<dir> signer.build`). */
export async function keptContenders(dirs) {
  const js = freemudSubtleCached(fm);
  const cases = { 'JS crypto.subtle (CryptoKey kept)': () => js(...fmAdd, fmOpts) };
  for (const d of dirs) {
    const { Signer } = await import(new URL(`${d}/node.js`, root));
    const s = new Signer(fm);
    cases[`${d} signer.build`] = () => s.build(...fmAdd, fmOpts);
  }
  return { js, cases };
}
