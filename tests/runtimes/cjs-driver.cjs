// Node CommonJS and Bun CommonJS: require the package by name, run the smoke test (an ES module, loaded
// with import()), then `jifen/sign`'s case; print one report line each.
// Usage: <runtime> cjs-driver.cjs RUNTIME FIXTURE_JSON
'use strict';
const jifen = require('jifen');
const sign = require('jifen/sign');
const [runtime, fixture] = process.argv.slice(2);
import('./smoke.mjs').then(async ({ smoke, report, signSmoke, signReport }) => {
  const result = await smoke(jifen, JSON.parse(fixture));
  console.log(report(runtime, require.resolve('jifen'), result));
  console.log(signReport(runtime, require.resolve('jifen/sign'), await signSmoke(sign, jifen, JSON.parse(fixture))));
});
