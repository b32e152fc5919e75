// Node ESM, Bun and Deno: import the package by name (the harness links it into node_modules),
// run the smoke test, then `jifen/sign`'s case; print one report line each.
// Usage: <runtime> esm-driver.mjs RUNTIME FIXTURE_JSON
import * as jifen from 'jifen';
import * as sign from 'jifen/sign';
import { smoke, report, signSmoke, signReport } from './smoke.mjs';

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const [runtime, fixture] = args;
const result = await smoke(jifen, JSON.parse(fixture));
console.log(report(runtime, import.meta.resolve('jifen'), result));
console.log(signReport(runtime, import.meta.resolve('jifen/sign'), await signSmoke(sign, jifen, JSON.parse(fixture))));
