// The simulator as the npm package ships it: `import { startSimulator } from "jifen/sim"`.
// scripts/build-pkg.sh copies this folder's server files, accounts and keys into pkg/sim/, so a
// package user tests against the same sandbox as this repository's own tests (as stripe users test
// against stripe-mock). Node only: the simulator runs on node:http and node:crypto.
import { startSim } from './server.mjs';

/** The vendors the simulator stands in for, each under its own path prefix. */
export const VENDORS = ['kingdee', 'freemud', 'qimai'];

/**
 * Starts the simulator on 127.0.0.1. `port` 0 (the default) picks a free port; `log` true prints
 * one line per request (or pass a function(line)). Resolves to
 * `{ url, port, accounts, state(), reset(), stop() }`: `accounts.<vendor>` is a ready client
 * config for that vendor (its made-up credentials and `baseUrl`).
 */
export async function startSimulator({ port = 0, log = false } = {}) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`startSimulator: port must be an integer 0–65535, got ${JSON.stringify(port)}`);
  }
  const sim = await startSim({ port, log });
  const accounts = Object.fromEntries(VENDORS.map((v) => [v, { ...sim.accounts[v], baseUrl: `${sim.url}/${v}` }]));
  return {
    url: sim.url,
    port: sim.port,
    accounts,
    state: () => sim.state(),
    reset: () => sim.reset(),
    stop: () => sim.close(),
  };
}
