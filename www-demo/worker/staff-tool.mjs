// Staff accounts for the STAFF binding (see README.md, "Staff accounts"), in Node.
//
//   node www-demo/worker/staff-tool.mjs new <id> <name> <viewer|operator|admin> [limit]
//
// prints a new random token (give it to that person only, e.g. as a #token= link to the admin
// page) on the first line and, on the second, the STAFF entry to add, which holds the token's
// SHA-256 and never the token. From code (the tests and the demo): `staffBinding([{ id, name,
// role, limit?, token, revoked? }])` is the STAFF value for made-up tokens.

import { createHash, randomBytes } from 'node:crypto';

/** The SHA-256 (hex) of a token: what STAFF holds. */
export const tokenSha256 = (token) => createHash('sha256').update(token, 'utf8').digest('hex');

/** A new token: 32 random bytes, base64url (43 characters). */
export const newToken = () => randomBytes(32).toString('base64url');

/** One STAFF entry ([id, fields]) for a person whose token is `token`. */
export function staffEntry({ id, name, role, limit, token, revoked }) {
  const fields = { name, role };
  if (limit !== undefined) fields.limit = limit;
  fields.tokenSha256 = tokenSha256(token);
  if (revoked) fields.revoked = true;
  return [id, fields];
}

/** The STAFF binding's value for a list of people. */
export const staffBinding = (people) => JSON.stringify(Object.fromEntries(people.map(staffEntry)));

if (import.meta.url === `file://${process.argv[1]}`) {
  const [cmd, id, name, role, limit] = process.argv.slice(2);
  if (cmd !== 'new' || !id || !name || !['viewer', 'operator', 'admin'].includes(role)) {
    console.error('usage: node www-demo/worker/staff-tool.mjs new <id> <name> <viewer|operator|admin> [limit]');
    process.exit(2);
  }
  const token = newToken();
  const [, fields] = staffEntry({ id, name, role, limit: limit === undefined ? undefined : Number(limit), token });
  console.log(token);
  console.log(JSON.stringify({ [id]: fields }));
}
