// The chaos suite's checker: every answer any caller received, held against the
// simulator's ledger, per vendor and scenario. Pure (no I/O), so its unit test
// feeds it fabricated ledgers.
//
// A change is one idempotency key: { scenario, key, member (vendor id), delta, type
// (the vendor's type for the change's reason), answers: [answer] }. An answer is what
// one call to the gateway returned, classified by `classify`:
//   applied  — HTTP 2xx with `applied: true`: a claim that the change is in the ledger;
//   refused  — HTTP 2xx with `applied: false`, or a definite, non-retryable refusal
//              (`vendor`, `invalid_input`, `unsupported`, `config`, `auth`, `signature`):
//              a claim that it is not;
//   pending  — anything else (outcome_unknown, conflict, timeout, network, rate_limited,
//              a 5xx, the gateway unreachable): no claim; the caller must ask again.
//
// Rows are the vendor's ledger rows made during the run: { member, delta, type, key }.
// Freemud and Qimai rows carry the key (idempotencyBussinessId, bizId); Kingdee rows
// carry none, so there rows are counted per (member, delta, type) and compared with
// the keys of that change — each scenario has its own members so counts are attributable.
//
// Per scenario:
//   attempted    keys sent
//   appliedOnce  keys whose change is in the ledger exactly once
//   refused      keys answered "not applied" with no row
//   doubled      ledger rows beyond one per key (a change applied twice or more)
//   lost         keys answered "applied" with no row of theirs (the caller believes a change
//                the ledger does not hold: Kingdee's "applied with someone else's row")
//   falseAnswers keys that got an answer the ledger contradicts (applied without a row,
//                refused with one, or both answers to one key)
//   unknown      keys with no definite answer at the end
//   stray        rows that match no key (Freemud/Qimai: an unknown key; Kingdee: no change)

/** Error codes that say "not applied" when not retryable. */
export const REFUSAL_CODES = new Set(['vendor', 'invalid_input', 'unsupported', 'config', 'auth', 'signature']);

/**
 * One gateway reply → { kind: 'applied'|'refused'|'pending', status, code, retryable, retryAfterMs }.
 * `status` 0 means no HTTP answer at all (connection refused or reset, the client's own timeout).
 */
export function classify(status, json) {
  const base = { status };
  if (status >= 200 && status < 300 && json && typeof json.applied === 'boolean') {
    return { ...base, kind: json.applied ? 'applied' : 'refused', code: json.applied ? 'applied' : 'not_applied' };
  }
  const err = json && typeof json === 'object' && json.error && typeof json.error === 'object' ? json.error : {};
  const code = typeof err.code === 'string' ? err.code : status ? `http_${status}` : 'no_answer';
  const retryable = err.retryable === true;
  const out = { ...base, code, retryable };
  if (typeof err.retryAfterMs === 'number') out.retryAfterMs = err.retryAfterMs;
  out.kind = REFUSAL_CODES.has(code) && !retryable ? 'refused' : 'pending';
  return out;
}

const emptyStats = () => ({ attempted: 0, appliedOnce: 0, refused: 0, doubled: 0, lost: 0, falseAnswers: 0, unknown: 0, stray: 0 });

/** What a key was told: its sets of claims. */
function claims(change) {
  const kinds = new Set(change.answers.map((a) => a.kind));
  return { applied: kinds.has('applied'), refused: kinds.has('refused') };
}

/**
 * `changes`: the keys (see above); `rows`: the run's ledger rows; `keyed`: whether rows carry
 * the key (Freemud, Qimai). Returns { scenarios: { name: stats }, total: stats, findings: [text] },
 * `findings` naming every key and row behind a non-zero doubled / lost / false / unknown / stray.
 */
export function check({ changes, rows, keyed }) {
  const scenarios = {};
  const findings = [];
  const stats = (name) => (scenarios[name] ??= emptyStats());
  for (const c of changes) stats(c.scenario).attempted += 1;
  const describe = (c) => `${c.scenario} ${c.key} (member ${c.member} ${c.delta > 0 ? '+' : ''}${c.delta} type ${c.type}): answers ${c.answers.map((a) => a.code).join(', ') || 'none'}`;

  if (keyed) {
    const byKey = new Map();
    for (const r of rows) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    const known = new Set(changes.map((c) => c.key));
    for (const c of changes) {
      const s = stats(c.scenario);
      const mine = (byKey.get(c.key) ?? []).filter((r) => r.member === c.member && r.delta === c.delta);
      const other = (byKey.get(c.key) ?? []).length - mine.length;
      const n = mine.length;
      const told = claims(c);
      if (n === 1) s.appliedOnce += 1;
      if (n > 1) { s.doubled += n - 1; findings.push(`doubled ×${n}: ${describe(c)}`); }
      if (other) { s.stray += other; findings.push(`${other} row(s) under ${c.key} that are not its change: ${describe(c)}`); }
      const falseAnswer = (told.applied && n === 0) || (told.refused && n > 0) || (told.applied && told.refused);
      if (told.applied && n === 0) { s.lost += 1; findings.push(`lost (told applied, no row): ${describe(c)}`); }
      if (falseAnswer) { s.falseAnswers += 1; findings.push(`false answer (${n} row(s)): ${describe(c)}`); }
      if (told.refused && !told.applied && n === 0) s.refused += 1;
      if (!told.applied && !told.refused) { s.unknown += 1; findings.push(`unknown at the end (${n} row(s)): ${describe(c)}`); }
    }
    const strays = rows.filter((r) => !known.has(r.key));
    if (strays.length) findings.push(`${strays.length} row(s) with keys no caller sent: ${strays.slice(0, 5).map((r) => r.key).join(', ')}`);
    if (strays.length) stats('(no scenario)').stray += strays.length;
    return { scenarios, total: sum(scenarios), findings };
  }

  // Kingdee: per (member, delta, type).
  const group = (x) => `${x.member}|${x.delta}|${x.type}`;
  const rowCount = new Map();
  for (const r of rows) rowCount.set(group(r), (rowCount.get(group(r)) ?? 0) + 1);
  const groups = new Map();
  for (const c of changes) groups.set(group(c), [...(groups.get(group(c)) ?? []), c]);
  for (const [g, keys] of groups) {
    const s = stats(keys[0].scenario);
    const R = rowCount.get(g) ?? 0;
    rowCount.delete(g);
    const told = keys.map((c) => ({ c, ...claims(c) }));
    const A = told.filter((t) => t.applied);
    const U = told.filter((t) => !t.applied && !t.refused);
    const F = told.filter((t) => t.refused && !t.applied);
    for (const t of told) {
      if (t.applied && t.refused) { s.falseAnswers += 1; findings.push(`false answer (told applied and refused): ${describe(t.c)}`); }
    }
    if (R > keys.length) {
      s.doubled += R - keys.length;
      findings.push(`doubled: ${R} rows for ${keys.length} key(s) of one change: ${keys.map(describe).join(' | ')}`);
    }
    let rowsLeft = Math.min(R, keys.length);
    const coveredA = Math.min(A.length, rowsLeft);
    rowsLeft -= coveredA;
    const lost = A.length - coveredA;
    if (lost) {
      s.lost += lost;
      s.falseAnswers += lost;
      findings.push(`lost and false: ${A.length} key(s) told applied, ${R} row(s): ${A.map((t) => describe(t.c)).join(' | ')}`);
    }
    const coveredU = Math.min(U.length, rowsLeft);
    rowsLeft -= coveredU;
    if (rowsLeft) {
      s.falseAnswers += rowsLeft;
      findings.push(`false answer: ${rowsLeft} row(s) for key(s) told not applied: ${F.map((t) => describe(t.c)).join(' | ')}`);
    }
    // A doubled change is not applied once: each extra row takes one key out (pessimistically).
    s.appliedOnce += Math.max(0, coveredA + coveredU - Math.max(0, R - keys.length));
    s.refused += F.length - rowsLeft;
    s.unknown += U.length;
    for (const t of U) findings.push(`unknown at the end: ${describe(t.c)}`);
  }
  let strays = 0;
  for (const n of rowCount.values()) strays += n;
  if (strays) {
    stats('(no scenario)').stray += strays;
    findings.push(`${strays} row(s) that match no change sent: ${[...rowCount.keys()].slice(0, 5).join(', ')}`);
  }
  return { scenarios, total: sum(scenarios), findings };
}

function sum(scenarios) {
  const t = emptyStats();
  for (const s of Object.values(scenarios)) for (const k of Object.keys(t)) t[k] += s[k];
  return t;
}

/** The goal: nothing doubled, lost, falsely answered, unknown or stray. */
export const clean = (s) => s.doubled === 0 && s.lost === 0 && s.falseAnswers === 0 && s.unknown === 0 && s.stray === 0;

export const COLUMNS = ['attempted', 'appliedOnce', 'refused', 'doubled', 'lost', 'falseAnswers', 'unknown', 'stray'];
const HEAD = ['attempted', 'applied once', 'refused', 'doubled', 'lost', 'false answers', 'unknown at end', 'stray rows'];

/** A Markdown table: one row per vendor and scenario, then the vendor's total. */
export function table(results) {
  const lines = [`| vendor | scenario | ${HEAD.join(' | ')} |`, `| --- | --- | ${HEAD.map(() => '---:').join(' | ')} |`];
  for (const { vendor, report } of results) {
    for (const [name, s] of Object.entries(report.scenarios)) {
      lines.push(`| ${vendor} | ${name} | ${COLUMNS.map((k) => s[k]).join(' | ')} |`);
    }
    lines.push(`| ${vendor} | **total** | ${COLUMNS.map((k) => `**${report.total[k]}**`).join(' | ')} |`);
  }
  return lines.join('\n');
}
