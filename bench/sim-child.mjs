// The vendor simulator in its own process for the end-to-end benchmark (no
// request log), so the load generator does not share an event loop with it.
// Prints its URL on the first line; stops on SIGTERM.
import { startSim } from '../sim/server.mjs';

const sim = await startSim({ port: 0, log: false });
console.log(sim.url);
process.on('SIGTERM', async () => { await sim.close(); process.exit(0); });
