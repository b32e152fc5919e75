// The coordinator process's Worker (gateway.mjs startCoordinator): hosts jifen's
// JifenCoordinator Durable Objects, stored on disk, for gateways in other
// workerd processes, which reach it through a service binding
// (JIFEN_COORDINATOR_SERVICE). It answers only requests with its bearer token
// (the JIFEN_COORDINATOR_TOKEN binding). See README.md, "Two gateway processes".

import { JifenCoordinator, serveCoordinator } from '../../pkg/cloudflare.js';

export { JifenCoordinator };

export default {
  fetch: (request, env) => serveCoordinator(request, env.JIFEN_COORDINATOR, { token: env.JIFEN_COORDINATOR_TOKEN }),
};
