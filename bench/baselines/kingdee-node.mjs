// The Kingdee baseline signer (kingdee.mjs) with node:crypto's synchronous
// createHmac instead of crypto.subtle: the fastest a hand-written Node signer gets.
import { createHmac } from 'node:crypto';
import { prepare, canonical, assemble } from './kingdee.mjs';

export function kingdeeNode(config, op, params, options) {
  const prepared = prepare(op, params);
  const c = canonical(config, op, prepared, options);
  const mac = createHmac('sha256', config.clientSecret).update(c.stringToSign).digest('hex');
  return assemble(config, op, prepared, c, options, Buffer.from(mac, 'latin1').toString('base64'));
}
