// README.md's capability and reason tables are the library's own data, rendered: this fails when they drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { render } from '../../scripts/render-capabilities.mjs';

test('README capability tables match capabilities()', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const m = readme.match(/<!-- capabilities:begin -->\n([\s\S]*?)\n<!-- capabilities:end -->/);
  assert.ok(m, 'README.md has the capabilities markers');
  assert.equal(m[1], render(), 'run: node scripts/render-capabilities.mjs --write');
});
