// Renders the unified API's capability and reason tables (from `capabilities()`, the data the
// library itself uses) as Markdown. README.md carries this output between the
// <!-- capabilities:begin/end --> markers; tests/node/readme.test.mjs checks it is current.
// Usage: node scripts/render-capabilities.mjs            (prints)
//        node scripts/render-capabilities.mjs --write    (rewrites README.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { capabilities } from '../pkg/node.js';

const flavors = ['kingdee', 'freemud', 'qimai', 'qimai-v2'];
const caps = Object.fromEntries(flavors.map((f) => [f, capabilities(f)]));
const calls = ['adjustPoints', 'getBalance', 'ledger', 'getMember'];
const cell = (s) => String(s).replaceAll('|', '\\|');

export function render() {
  const out = [];
  for (const call of calls) {
    out.push(`**${call}**`, '', '| vendor | native calls (lookups say what they find) | the vendor needs | idempotent | notes |', '| --- | --- | --- | --- | --- |');
    for (const f of flavors) {
      const c = caps[f].operations[call];
      out.push(`| ${f} | ${c.nativeCalls.map((n) => '`' + cell(n) + '`').join('<br>')} | ${c.needs.join(c.needsAll ? ' + ' : ' or ')} | ${c.idempotent ? 'yes' : '**no**'} | ${cell(c.note)} |`);
    }
    out.push('');
  }
  out.push('**Reasons** (the vendor code sent; — = refused with `unsupported`)', '');
  out.push(`| reason | sign | ${flavors.join(' | ')} |`, `| --- | --- |${flavors.map(() => ' --- |').join('')}`);
  const signs = caps.kingdee.reasonSigns;
  for (const reason of Object.keys(caps.kingdee.reasons)) {
    const cols = flavors.map((f) => {
      const r = caps[f].reasons[reason];
      return r ? `${r.code} ${r.name}` : '—';
    });
    out.push(`| \`${reason}\` | ${signs[reason] === 'spend' ? '−' : '+'} | ${cols.join(' | ')} |`);
  }
  return out.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const table = render();
  if (process.argv.includes('--write')) {
    const readme = readFileSync('README.md', 'utf8');
    const re = /(<!-- capabilities:begin -->\n)[\s\S]*?(\n<!-- capabilities:end -->)/;
    if (!re.test(readme)) throw new Error('README.md lacks the capabilities markers');
    writeFileSync('README.md', readme.replace(re, `$1${table}$2`));
  } else {
    console.log(table);
  }
}
