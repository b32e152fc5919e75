// Node CommonJS and Bun CommonJS: require the package by name, run the smoke test (an ES module, loaded
// with import()), print one report line. Usage: <runtime> cjs-driver.cjs RUNTIME FIXTURE_JSON
'use strict';
const jifen = require('jifen');
const [runtime, fixture] = process.argv.slice(2);
import('./smoke.mjs').then(async ({ smoke, report }) => {
  const result = await smoke(jifen, JSON.parse(fixture));
  console.log(report(runtime, require.resolve('jifen'), result));
});
