// A CPU profile of the gateway inside workerd, under the e2e load: workerd's
// DevTools inspector, Profiler.start/stop over its WebSocket. Needs a Node
// with a global WebSocket (Node 22: node_modules/.bin/node from the root
// package.json).
//
//   bench/build-named.sh target/pkg-named && cp target/pkg-named/jifen_wasm_bg.wasm pkg/   # names in the profile (restore with make build)
//   node_modules/.bin/node bench/workerd-profile.mjs [plain] > target/workerd.cpuprofile
//   node bench/profile-report.mjs target/workerd.cpuprofile
import { createServer } from 'node:net';
import { startSimChild, startWorkerdGateway, phase } from './e2e.mjs';
import { profileWhile } from './inspector-profile.mjs';

if (typeof WebSocket !== 'function') throw new Error('needs a global WebSocket (Node 22: node_modules/.bin/node)');
const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
});
const sim = await startSimChild();
const inspector = await freePort();
const gw = await startWorkerdGateway(`${sim.url}/kingdee`, { plain: process.argv[2] === 'plain', inspector });
try {
  await phase(gw); // warm
  const { profile, value: r } = await profileWhile(inspector, 100, () => phase(gw));
  console.error(`profiled ${r.lat.length} requests`);
  process.stdout.write(JSON.stringify(profile));
} finally {
  await gw.stop();
  await sim.stop();
}
