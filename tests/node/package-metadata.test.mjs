// The package is publishable as is: both licence texts and the changelog are in the tarball `npm pack`
// would make from pkg/ (byte for byte the repository's), the metadata is complete, and no field pretends to
// be an address: jifen has no public home yet, so repository/homepage/bugs are absent (CHANGELOG.md says so)
// rather than invented, in package.json and in Cargo.toml alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
const SHIPPED = ['LICENSE-MIT', 'LICENSE-APACHE', 'CHANGELOG.md', 'README.md', 'package.json'];

test('npm pack of pkg/ ships both licences and the changelog, as in the repository', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir, encoding: 'utf8' });
  const [report] = JSON.parse(out);
  const files = report.files.map((f) => f.path);
  for (const name of SHIPPED) assert.ok(files.includes(name), `${name} is not in the tarball: ${files.join(', ')}`);
  for (const name of ['LICENSE-MIT', 'LICENSE-APACHE', 'CHANGELOG.md']) {
    assert.equal(readFileSync(pkgDir + name, 'utf8'), readFileSync(root + name, 'utf8'), `pkg/${name} differs from the repository's`);
  }
  assert.match(readFileSync(root + 'LICENSE-APACHE', 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
  assert.match(readFileSync(root + 'LICENSE-MIT', 'utf8'), /^Copyright \(c\) \d{4} .+\n\nPermission is hereby granted, free of charge/);
});

test('package.json: the licence, keywords and description, and no made-up address', () => {
  const pkg = JSON.parse(readFileSync(root + 'pkg-template/package.json', 'utf8'));
  assert.equal(pkg.license, 'MIT OR Apache-2.0');
  assert.ok(Array.isArray(pkg.keywords) && pkg.keywords.length >= 5, 'keywords');
  for (const k of ['kingdee', 'freemud', 'qimai']) assert.ok(pkg.keywords.includes(k), `keyword ${k}`);
  assert.ok(pkg.description?.length > 20, 'description');
  for (const field of ['repository', 'homepage', 'bugs']) {
    assert.equal(pkg[field], undefined, `${field}: jifen has no public home yet; add it with the first public release`);
  }
  const text = JSON.stringify(pkg);
  assert.doesNotMatch(text, /example\.(invalid|com|org)|localhost/, 'no placeholder address');
});

test('Cargo.toml: the licence, keywords and categories, and no made-up address', () => {
  const cargo = readFileSync(root + 'Cargo.toml', 'utf8');
  const pkgSection = cargo.split(/^\[(?!package\])/m)[0];
  assert.match(pkgSection, /^license = "MIT OR Apache-2\.0"$/m);
  assert.match(pkgSection, /^keywords = \[.+\]$/m);
  assert.match(pkgSection, /^categories = \[.+\]$/m);
  assert.match(pkgSection, /^readme = "README\.md"$/m);
  assert.doesNotMatch(pkgSection, /^(repository|homepage|documentation) =/m, 'no public home yet: leave the address out');
  assert.doesNotMatch(cargo, /example\.(invalid|com|org)/, 'no placeholder address');
});

test('CHANGELOG.md follows Keep a Changelog and states the versioning policy', () => {
  const log = readFileSync(root + 'CHANGELOG.md', 'utf8');
  assert.match(log, /keepachangelog\.com/);
  assert.match(log, /^## \[Unreleased\]$/m);
  assert.match(log, /^## Versioning policy$/m);
  for (const breaking of ['The JavaScript API', 'The gateway API', 'The stored idempotency-key format']) {
    assert.ok(log.includes(breaking), `the policy names ${breaking} as breaking`);
  }
});
