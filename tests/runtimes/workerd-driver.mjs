// workerd: `workerd test` calls test(); the harness's generated config embeds the package under the
// module name "jifen" (the file the "workerd" export condition names), every package file under its
// own path (so `jifen/sign`'s entry, which the exports map names in env.SIGN_ENTRY, is imported by it),
// and the fixture as a text binding.
import * as jifen from 'jifen';
import { smoke, report, signSmoke, signReport } from './smoke.mjs';

export default {
  async test(_controller, env) {
    const result = await smoke(jifen, JSON.parse(env.FIXTURE));
    console.log(report('workerd', env.ENTRY, result));
    const sign = await import(env.SIGN_ENTRY);
    const signed = await signSmoke(sign, jifen, JSON.parse(env.FIXTURE));
    console.log(signReport('workerd', `pkg/${env.SIGN_ENTRY}`, signed));
    if (result.failed + signed.failed > 0) throw new Error(`${result.failed + signed.failed} smoke check(s) failed`);
  },
};
