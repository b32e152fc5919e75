// workerd: `workerd test` calls test(); the harness's generated config embeds the package under the
// module name "jifen" (the file the "workerd" export condition names) and the fixture as a text binding.
import * as jifen from 'jifen';
import { smoke, report } from './smoke.mjs';

export default {
  async test(_controller, env) {
    const result = await smoke(jifen, JSON.parse(env.FIXTURE));
    console.log(report('workerd', env.ENTRY, result));
    if (result.failed > 0) throw new Error(`${result.failed} smoke check(s) failed`);
  },
};
