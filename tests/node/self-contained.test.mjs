// The repository stands alone: no file in it points at a path outside it (the notes and design documents
// it was started from live elsewhere on the machine that wrote it, and nowhere a user can see), and every
// document it cites exists in it. Checked over every text file of the repository except generated or
// vendored trees and the fuzz corpus (fuzz inputs are bytes, not documentation):
//   1. no absolute path into the build machine (/work/…, /root/…) and no ../shared, no seeds/ directory;
//   2. every Markdown link (in a .md file) to a relative path resolves inside the repository and exists;
//   3. every repository path to a Markdown file (docs/…, sim/README.md, …) exists, and every upper-case
//      document name (README.md, CHANGELOG.md, DESIGN.md…) exists at the root or beside the citing file;
//   4. a bare vendor note name (kingdee.md §3) appears only inside docs/, where it is a sibling;
//   5. every section cited after a document's path (docs/vendors/kingdee.md §6.2, docs/architecture.md §2.3)
//      is a numbered heading of that document (or a numbered item of that heading's list).
// The first test proves the checker catches each kind of mistake, so the second cannot pass by checking nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Build outputs, installed or generated trees, and fuzz inputs.
const SKIP_DIRS = new Set(['.git', 'node_modules', 'target', 'pkg', 'test-output', 'corpus', 'artifacts', 'out', 'coverage']);
// `.git` is a file in a worktree; this test file holds planted mistakes for the first test.
const SKIP_FILES = new Set(['.git', 'Cargo.lock', 'package-lock.json', 'LICENSE-APACHE', 'LICENSE-MIT', 'self-contained.test.mjs']);
const TOP_DIRS = ['docs', 'sim', 'src', 'tests', 'scripts', 'pkg-template', 'www-demo', 'examples', 'bench', 'benches', 'fuzz'];

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) yield* walk(path);
    } else if (!SKIP_FILES.has(name) && st.size < 2_000_000) {
      yield path;
    }
  }
}

/** The text files of the repository, as [path relative to ROOT with '/', text]. */
export function repositoryFiles(root = ROOT) {
  const out = [];
  for (const path of walk(root)) {
    const buf = readFileSync(path);
    if (buf.includes(0)) continue; // binary
    out.push([relative(root, path).split(sep).join('/'), buf.toString('utf8')]);
  }
  return out;
}

/** Numbered headings of a Markdown text: Map "6.2" → true, and for each "N" the numbered list items under it. */
function sections(text) {
  const heads = new Set();
  const items = new Map();
  let current = null;
  for (const line of text.split('\n')) {
    const h = line.match(/^#{2,4} (\d+(?:\.\d+)*)[.\s]/);
    if (h) { heads.add(h[1]); current = h[1]; items.set(current, new Set()); continue; }
    const li = line.match(/^(\d+)\. /);
    if (li && current) items.get(current).add(li[1]);
  }
  return { heads, items };
}

function sectionExists(text, num) {
  const { heads, items } = sections(text);
  if (heads.has(num)) return true;
  const m = num.match(/^(\d+(?:\.\d+)*)\.(\d+)$/);
  return Boolean(m && heads.has(m[1]) && items.get(m[1])?.has(m[2]));
}

/**
 * Every problem in `files` ([relPath, text] pairs), as "path:line: message". `exists(rel)` says whether a
 * repository path exists; `read(rel)` returns a repository file's text (for section checks).
 */
export function problems(files, { exists, read }) {
  const out = [];
  for (const [file, text] of files) {
    const lines = text.split('\n');
    const dir = dirname(file) === '.' ? '' : dirname(file);
    const inDocs = file.startsWith('docs/');
    lines.forEach((line, i) => {
      const at = `${file}:${i + 1}`;
      // 1. Paths outside the repository.
      for (const m of line.matchAll(/(\/work\/[\w./-]*|\/root\/[\w./-]*|\.\.\/shared\b[\w./-]*|(?<![\w-])seeds\/[\w./-]*)/g)) {
        out.push(`${at}: points outside the repository: ${m[1]}`);
      }
      // 2. Markdown links to relative paths (in Markdown: in code, `](` is mostly a regular expression).
      for (const m of file.endsWith('.md') ? line.matchAll(/\]\(([^)\s]+)\)/g) : []) {
        const target = m[1].split('#')[0];
        if (!target || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // URL, mailto:, pure anchor
        const rel = join(dir, target).split(sep).join('/');
        if (rel.startsWith('..')) out.push(`${at}: link leaves the repository: ${m[1]}`);
        else if (!exists(rel.replace(/\/$/, ''))) out.push(`${at}: link to a missing file: ${m[1]}`);
      }
      // 3. Repository paths to Markdown files, and upper-case document names.
      for (const m of line.matchAll(/(?<![\w:/.-])((?:[\w-]+\/)+[\w.-]+\.md)\b/g)) {
        const p = m[1];
        if (!TOP_DIRS.includes(p.split('/')[0])) continue; // another repository's path (`openapi:docs/…` is excluded above)
        if (p.includes('*')) continue;
        if (!exists(p)) out.push(`${at}: cites a document that is not in the repository: ${p}`);
      }
      for (const m of line.matchAll(/(?<![\w:/.-])([A-Z][A-Z0-9_-]*\.md)\b/g)) {
        if (!exists(m[1]) && !exists(dir ? `${dir}/${m[1]}` : m[1])) {
          out.push(`${at}: cites ${m[1]}, which is neither at the root nor beside ${file}`);
        }
      }
      // 4. Bare vendor note names outside docs/.
      if (!inDocs) {
        for (const m of line.matchAll(/(?<![\w/.-])((?:kingdee|freemud|qimai)\.md)\b/g)) {
          out.push(`${at}: bare ${m[1]}: cite docs/vendors/${m[1]}`);
        }
      }
      // 5. Sections cited after a document path: "docs/vendors/kingdee.md §3.4", "… `docs/x.md` (§1, §3)".
      for (const m of line.matchAll(/((?:docs\/)?(?:vendors\/)?[\w-]+\.md)`?\)?/g)) {
        let doc = m[1];
        if (!doc.startsWith('docs/')) {
          if (!inDocs) continue;
          doc = join(dir, doc).split(sep).join('/'); // a sibling inside docs/
        }
        if (!exists(doc)) continue; // reported above when it matters
        const tail = line.slice(m.index + m[0].length).split(/\.md\b/)[0].slice(0, 120);
        const refs = [...tail.matchAll(/§(\d+(?:\.\d+)*)/g)].map((r) => r[1]);
        // Only the run of § references right after the path: "§1, §3, §7" or "§3 (signing), §5 (callbacks)".
        const lead = tail.match(/^[\s(]*§/);
        if (!lead) continue;
        const text2 = read(doc);
        for (const num of refs) {
          if (!sectionExists(text2, num)) out.push(`${at}: ${doc} has no section ${num}`);
        }
      }
    });
  }
  return out;
}

const repoExists = (rel) => existsSync(resolve(ROOT, rel));
const repoRead = (rel) => readFileSync(resolve(ROOT, rel), 'utf8');

test('the checker catches each kind of reference to outside the repository', () => {
  const planted = [
    ['sim/x.mjs', '// Rules: /work/shared/vendors/kingdee.md (§1)'],
    ['src/a.rs', '//! see ../shared/vendors/qimai.md'],
    ['src/b.rs', '/// Kingdee operation 1–11 (seeds/000)'],
    ['README.md', 'The contract is in DESIGN.md.'],
    ['docs/c.md', 'See [the notes](../../elsewhere/notes.md) and [gone](vendors/nope.md).'],
    ['tests/d.rs', '// kingdee.md §6.2: project vector'],
    ['tests/e.json', '"source": "docs/vendors/kingdee.md §99: made up"'],
    ['tests/f.json', '"source": "docs/vendors/nowhere.md §1"'],
    ['src/g.rs', '// (docs/architecture.md §2.9)'],
  ];
  const found = problems(planted, { exists: repoExists, read: repoRead });
  for (const [file] of planted) {
    assert.ok(found.some((p) => p.startsWith(`${file}:`)), `nothing reported for ${file}; got:\n${found.join('\n')}`);
  }
  // And what is right passes.
  const fine = [
    ['src/h.rs', '// docs/vendors/kingdee.md §3.4, docs/vendors/kingdee.md §8.1, docs/architecture.md §2.3'],
    ['sim/y.mjs', '// Rules: `docs/vendors/freemud.md` (§2 envelope, §3 signing, §12.5 pushes)'],
    ['docs/z.md', 'See [kingdee.md](vendors/kingdee.md) §4 and `openapi:docs/guide/member.md`; <https://example.org/x.md>.'],
  ];
  assert.deepEqual(problems(fine, { exists: repoExists, read: repoRead }), []);
});

test('no file in the repository points outside it or at a document it lacks', () => {
  const files = repositoryFiles();
  assert.ok(files.length > 200, `scanned only ${files.length} files`);
  assert.ok(files.some(([f]) => f === 'docs/vendors/kingdee.md'), 'docs/vendors/kingdee.md is scanned');
  const found = problems(files, { exists: repoExists, read: repoRead });
  assert.deepEqual(found, [], `references to fix:\n${found.join('\n')}`);
});
