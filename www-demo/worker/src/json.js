// A JSON body parsed strictly: JSON.parse, then refused if any object in it,
// at any depth, names a key twice. JSON.parse keeps the last of duplicates
// silently (`{"delta":10,"delta":20}` is `{ delta: 20 }`), so what a proxy or
// a log in front of the gateway reads as the change need not be what is sent.
//
// Why a scan of our own and not a parser from npm: it is one linear pass over
// text JSON.parse has already accepted (so it only tracks strings, brackets
// and commas), a second full parser would be one more npm bundle in the
// Worker (capnp.mjs bundles each), and the cost is about that of
// JSON.parse itself: `node bench/json-duplicate-keys.mjs` (load average 10 on
// the shared 2-core machine, three runs) gave 0.8–1.1 ms for JSON.parse and
// 1.15–1.3 ms for the scan of a 64 KB body (MAX_BODY_BYTES' default), and
// 1.2–1.6 µs and 1.3–3.1 µs for a 63-byte adjust body.

/** A key (or path) fit for a message: at most 32 characters, no quotes or control characters. */
const shown = (k) => k.slice(0, 32).replace(/[^\w.\-[\]]/g, '?');

/**
 * The first duplicate key in `text` (valid JSON) as `{ key, path }`, `path` the
 * keys leading to its object ("" at the top, "member", "args[]"), or null.
 */
export function findDuplicateKey(text) {
  const stack = []; // per open container: { keys: Set | null (array), path }
  let expectKey = false;
  let lastKey = null; // the key whose value comes next (names a container opened as that value)
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: a key when an object expects one
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) { escaped = true; j += 2; continue; }
        if (d === 0x22) break;
        j++;
      }
      if (expectKey) {
        // Compare decoded keys: "a" and "\u0061" are the same key to JSON.parse.
        const key = escaped ? JSON.parse(text.slice(i, j + 1)) : text.slice(i + 1, j);
        const top = stack[stack.length - 1];
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) { // { [
      const top = stack[stack.length - 1];
      const name = !top ? '' : top.keys ? lastKey : '[]';
      const path = !top ? '' : top.path && top.keys ? `${top.path}.${name}` : `${top.path}${name}`;
      stack.push({ keys: c === 0x7b ? new Set() : null, path });
      expectKey = c === 0x7b;
    } else if (c === 0x7d || c === 0x5d) { // } ]
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) { // ,
      expectKey = Boolean(stack[stack.length - 1]?.keys);
    }
  }
  return null;
}

/** The refusal for a duplicate `findDuplicateKey` found: names the key (and its object), never a value. */
export function duplicateKeyMessage({ key, path }) {
  return `the body names the key "${shown(key)}" twice${path ? ` in ${shown(path)}` : ''}: each key at most once`;
}
