// Kingdee signing as CPU time in a tight loop, for A/B comparisons of two packages on a busy machine:
// `signer.buildSync`, the node:crypto signer and stateless `buildRequest`, each 100,000 calls
// (`process.cpuUsage` around them), 7 rounds alternating, medians. The Signer's output is checked
// against the node:crypto signer's first. Run it for each package, alternately, twice.
//
//   node bench/signer-cpu-loop.mjs [pkgDir]      pkgDir defaults to pkg
import { printCommand } from './stats.mjs';
import { kingdeeNode } from './baselines/kingdee-node.mjs';

printCommand();
const dir = process.argv[2] ?? 'pkg';
const { Signer, buildRequest } = await import(new URL(`../${dir}/node.js`, import.meta.url));
const config = { vendor: 'kingdee', clientId: '300721', clientSecret: 'sim0client0secret0not0real000001', domain: 'https://tf.jdy.com' };
const op = '/jdy/v2/ls/integral_adjust';
const params = { mobile: '13800138000', integral: 10, operation: 5 };
const options = { timestamp: 1700000000000, nonce: '1234567890', appToken: 'bench-app-token-not-real' };
const s = new Signer(config);
if (JSON.stringify(s.buildSync(op, params, options)) !== JSON.stringify(kingdeeNode(config, op, params, options))) throw new Error('differs');
function t(f, n = 100000) {
  const c = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const d = process.cpuUsage(c);
  return (d.user + d.system) / n;
}
const res = { sync: [], node: [], br: [] };
for (let i = 0; i < 20000; i++) { s.buildSync(op, params, options); kingdeeNode(config, op, params, options); }
for (let r = 0; r < 7; r++) {
  res.sync.push(t(() => s.buildSync(op, params, options)));
  res.node.push(t(() => kingdeeNode(config, op, params, options)));
  res.br.push(t(() => buildRequest(config, op, params, options), 30000));
}
const med = (x) => x.sort((a, b) => a - b)[x.length >> 1];
console.log(`buildSync ${med(res.sync).toFixed(2)} µs CPU, node:crypto ${med(res.node).toFixed(2)}, buildRequest ${med(res.br).toFixed(2)}; node÷sync ${(med(res.node)/med(res.sync)).toFixed(2)}`);
