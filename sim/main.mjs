#!/usr/bin/env node
// CLI: node sim/main.mjs  (SIM_PORT, default 8700, clear of `wrangler dev`'s 8787; 0 = any free port; loopback only)
import { startSim } from './server.mjs';

const port = process.env.SIM_PORT === undefined || process.env.SIM_PORT === '' ? 8700 : Number(process.env.SIM_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SIM_PORT must be a port number, got ${JSON.stringify(process.env.SIM_PORT)}`);
  process.exit(2);
}
const sim = await startSim({ port, log: true });
console.log(`jifen vendor simulator listening on ${sim.url}`);
console.log(`  kingdee  ${sim.url}/kingdee`);
console.log(`  freemud  ${sim.url}/freemud`);
console.log(`  qimai    ${sim.url}/qimai`);
console.log(`  control  ${sim.url}/_sim/state  (accounts: sim/accounts.json)`);

let stopping = false;
const stop = async (sig) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${sig}: stopping`);
  await sim.close();
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
