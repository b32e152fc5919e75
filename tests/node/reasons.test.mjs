// The reason table has one source, the library's own `capabilities()`: every code it sends is one the
// vendor documents (tests/vectors/reasons/codes.json, each entry checked against its section of
// docs/vendors/*.md) with the vendor's own name and direction, and the package's declarations
// (index.d.ts: the `Reason` union and its earn/spend parts) name exactly its reasons. The README
// table is rendered from it (tests/node/readme.test.mjs); the gateway and the admin page read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { capabilities } from '../../pkg/node.js';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const vectors = JSON.parse(read('tests/vectors/reasons/codes.json'));
const FLAVORS = { kingdee: 'kingdee', freemud: 'freemud', qimai: 'qimai', 'qimai-v2': 'qimai' };

/** The text of the section of `doc` whose heading starts with `heading`, up to the next heading. */
function section(doc, heading) {
  const lines = read(doc).split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${heading} `));
  assert.ok(start >= 0, `${doc} has no section ${heading}`);
  const end = lines.findIndex((l, i) => i > start && /^#{1,3} /.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join(' ');
}

test('every vector is in its vendor document, as `<code> <name>`', () => {
  for (const [vendor, v] of Object.entries(vectors).filter(([k]) => k !== 'about')) {
    const text = section(v.doc, v.section);
    for (const { code, name, moves } of v.codes) {
      assert.match(text, new RegExp(`(^|[^0-9])${code} ${name}`), `${vendor} ${code} ${name} in ${v.doc} ${v.section}`);
      assert.ok(['earn', 'spend'].includes(moves), `${vendor} ${code}`);
    }
    assert.equal(new Set(v.codes.map((c) => c.code)).size, v.codes.length, `${vendor}: a code twice`);
    if (v.reduce) assert.ok(section(v.doc, v.reduce.section).includes(v.reduce.path), `${vendor} ${v.reduce.path}`);
  }
});

test('every code capabilities() sends is documented by the vendor, in its words and direction', () => {
  for (const [flavor, vendor] of Object.entries(FLAVORS)) {
    const caps = capabilities(flavor);
    const v = vectors[vendor];
    assert.deepEqual(Object.keys(caps.reasonSigns), Object.keys(caps.reasons), `${flavor}: reasonSigns names every reason`);
    for (const [reason, sent] of Object.entries(caps.reasons)) {
      const sign = caps.reasonSigns[reason];
      assert.ok(['earn', 'spend'].includes(sign), `${reason}: ${sign}`);
      if (sent === null) continue;
      if (sent.code === 'reduce') {
        assert.ok(v.reduce && flavor === 'qimai', `${flavor} ${reason}: reduce is Qimai v3's`);
        assert.equal(sign, v.reduce.moves, `${flavor} ${reason}`);
        continue;
      }
      const doc = v.codes.find((c) => c.code === sent.code);
      assert.ok(doc, `${flavor} ${reason}: code ${sent.code} is not documented`);
      assert.equal(sent.name, doc.name, `${flavor} ${reason}: the vendor's name for ${sent.code}`);
      assert.equal(sign, doc.moves, `${flavor} ${reason}: ${sent.code} ${doc.name} ${doc.moves}s points`);
    }
  }
});

test('Kingdee: each of its eleven types is one reason, as docs/vendors/kingdee.md §12.1 lists them', () => {
  const caps = capabilities('kingdee');
  const listed = Object.fromEntries([...section('docs/vendors/kingdee.md', '### 12.1').matchAll(/(\d+) `([a-z_]+)`/g)].map((m) => [m[2], m[1]]));
  const sent = Object.fromEntries(Object.entries(caps.reasons).filter(([, c]) => c).map(([r, c]) => [r, c.code]));
  assert.deepEqual(sent, listed);
  assert.deepEqual(Object.values(sent).sort((a, b) => a - b), vectors.kingdee.codes.map((c) => c.code));
});

/** The string literals of type `name` in a declaration file, following aliases to other unions. */
function union(dts, name) {
  const m = dts.match(new RegExp(`export type ${name} =([^;]*);`));
  assert.ok(m, `index.d.ts declares ${name}`);
  const out = [];
  for (const part of m[1].split('|').map((s) => s.trim()).filter(Boolean)) {
    if (/^"[a-z_]+"$/.test(part)) out.push(part.slice(1, -1));
    else out.push(...union(dts, part));
  }
  return out;
}

test('index.d.ts: the Reason union is capabilities()\'s reasons, its earn and spend parts their signs', () => {
  const dts = read('pkg-template/index.d.ts');
  const caps = capabilities('kingdee');
  assert.deepEqual(union(dts, 'Reason').sort(), Object.keys(caps.reasons).sort());
  for (const r of union(dts, 'EarnReason')) assert.equal(caps.reasonSigns[r], 'earn', r);
  for (const r of union(dts, 'SpendReason')) assert.equal(caps.reasonSigns[r], 'spend', r);
  for (const flavor of Object.keys(FLAVORS)) {
    assert.deepEqual(Object.keys(capabilities(flavor).reasons), Object.keys(caps.reasons), `${flavor} names every reason`);
  }
});
