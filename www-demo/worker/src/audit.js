// The audit trail: who changed whose points, when, by how much, why, and what
// came of it. One entry per change (per idempotency key), written *before* the
// change goes to the vendor (outcome "pending") and updated when its outcome is
// known: "applied", "refused" (the vendor or the gateway said no: nothing was
// applied), or "unknown" (the change may have been applied) until a retry with
// the same key settles it (then `settledAt` says when, `was` what it was).
//
// Kept in jifen's Durable Object (JIFEN_COORDINATOR, or a coordinator process
// through JIFEN_COORDINATOR_SERVICE; one object named `audit:<vendor>`) so that
// every isolate and process writes one trail that outlives them all; without
// either, in this isolate's memory only (a warning is logged once, and
// /api/audit says `durable: false`).

import { coordinatorServiceNamespace, durableObjectAuditLog } from '../../../pkg/cloudflare.js';
import { GatewayError, invalid } from './http.js';
import { COORDINATOR_BINDING, COORDINATOR_SERVICE_BINDING, COORDINATOR_TOKEN_BINDING, storeKind } from './stores.js';

/** Entries per page of GET /api/audit. */
export const PAGE = 50;
/** Entries one CSV export holds at most. */
export const CSV_MAX = 10_000;

/** The memory trail of this isolate (no Durable Object bound). */
const memory = new Map(); // id → entry
let warned = false;

function memoryLog() {
  if (!warned) {
    warned = true;
    console.warn(`gateway: no ${COORDINATOR_BINDING} binding: the audit trail lives in this isolate's memory only and is lost with it`);
  }
  return {
    async put(id, { create, update } = {}) {
      const old = memory.get(id);
      const next = old ? { ...old, ...update, id, at: old.at } : { ...create, ...update, id, at: Date.now() };
      memory.set(id, next);
      return next;
    },
    async list({ from, to, member, operator, cursor, limit }) {
      const all = [...memory.values()].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1));
      let start = 0;
      if (cursor) start = Number(cursor.slice(2)) || 0;
      const out = [];
      let i = start;
      for (; i < all.length && out.length < limit; i++) {
        const e = all[i];
        if (from != null && e.at < from) continue;
        if (to != null && e.at > to) continue;
        if (member != null && ![].concat(member).some((w) => e.member === w || e.members?.includes(w))) continue;
        if (operator != null && (e.operatorId ?? e.operator) !== operator) continue;
        out.push(e);
      }
      return { entries: out, cursor: i < all.length ? `m:${i}` : null };
    },
  };
}

/** The trail for this gateway: `{ put, list, durable }`. */
export function auditLog(env, vendor) {
  const { kind, durable } = storeKind(env);
  if (kind === 'durable_object') return { ...durableObjectAuditLog(env[COORDINATOR_BINDING], `audit:${vendor}`), durable };
  if (kind === 'coordinator_service') {
    const ns = coordinatorServiceNamespace(env[COORDINATOR_SERVICE_BINDING], { token: env[COORDINATOR_TOKEN_BINDING] });
    return { ...durableObjectAuditLog(ns, `audit:${vendor}`), durable };
  }
  return { ...memoryLog(), durable: false };
}

/** The member an entry is filed under: the id when known, else the mobile, else the card. */
export const memberKey = (m) => m.id ?? m.mobile ?? m.cardId ?? '';
/** Every key a member was named by (a later lookup by any of them finds the entry). */
export const memberKeys = (m) => [m.id, m.mobile, m.cardId].filter((k) => typeof k === 'string' && k !== '');

/** What the outcome of a change is, from the Client's answer or error. */
export function outcomeOf(result, error) {
  if (!error) return result?.applied === false ? 'refused' : 'applied';
  const code = error?.code;
  if (code === 'conflict') return null; // another request holds the key: its own outcome will be recorded
  if (['outcome_unknown', 'timeout', 'network', 'http', 'parse'].includes(code)) return 'unknown';
  return 'refused';
}

/**
 * The new fields of the entry of a change with `outcome`: `settledAt`/`was` when it follows an
 * unknown or pending outcome recorded by an earlier request.
 */
export function settle(previous, outcome, { result, error } = {}) {
  const out = { outcome };
  const requestId = result?.requestId ?? error?.requestId;
  if (requestId) out.requestId = String(requestId).slice(0, 128);
  if (error?.code) out.error = error.code;
  if (typeof result?.balance?.available === 'number') out.balanceAfter = result.balance.available;
  else if (typeof result?.balance === 'number') out.balanceAfter = result.balance;
  if (previous === 'unknown' && outcome !== 'unknown') {
    out.was = 'unknown';
    out.settledAt = Date.now();
  }
  return out;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A `from`/`to` query value as ms: a bare date is a whole day in China Standard Time (UTC+8,
 * where the stores are), `from` its start and `to` its end; else an ISO 8601 time with its zone.
 */
export function timeParam(value, edge, name) {
  if (value === undefined) return null;
  const d = DAY.exec(value);
  let ms;
  if (d) {
    ms = Date.parse(`${d[1]}-${d[2]}-${d[3]}T00:00:00+08:00`);
    if (edge === 'end' && Number.isFinite(ms)) ms += 24 * 3600 * 1000 - 1;
  } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    ms = Date.parse(value);
  }
  if (!Number.isFinite(ms)) throw invalid(`${name} must be a date (YYYY-MM-DD, China time) or an ISO 8601 time with a zone`);
  return ms;
}

/** An entry as the API shows it: `at`/`settledAt` as ISO times, internal ids left out. */
export function publicEntry(e) {
  const out = {
    at: new Date(e.at).toISOString(),
    operator: e.operator,
    member: e.member,
    delta: e.delta,
    reason: e.reason,
  };
  for (const k of ['remark', 'orderId']) if (e[k] !== undefined) out[k] = e[k];
  out.idempotencyKey = e.idempotencyKey;
  out.outcome = e.outcome;
  for (const k of ['requestId', 'error', 'balanceAfter', 'was']) if (e[k] !== undefined) out[k] = e[k];
  if (e.settledAt !== undefined) out.settledAt = new Date(e.settledAt).toISOString();
  return out;
}

const CSV_COLUMNS = ['at', 'operator', 'member', 'delta', 'reason', 'remark', 'orderId', 'idempotencyKey', 'outcome', 'settledAt', 'requestId', 'error'];

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula gets a leading '. */
function cell(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The entries as CSV (RFC 4180, CRLF, with a BOM so that Excel reads UTF-8 Chinese). */
export function toCsv(entries) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(CSV_COLUMNS.map((c) => cell(e[c])).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** A storage failure as the caller sees it: nothing was sent to the vendor. */
export function unavailable() {
  return new GatewayError('unavailable', 'the audit trail could not be written, so the change was not sent; try again in a moment');
}

/**
 * The remark the vendor is sent: the operator's name first, so that the vendor's own back office
 * says who made the change too (where it has a remark field), cut to the input limit.
 */
export function remarkWithOperator(name, remark, max = 200) {
  const tag = `【${name}】`;
  return (remark ? `${tag}${remark}` : tag).slice(0, max);
}

/**
 * Runs `adjust(args)` with its audit entry: recorded (pending) before anything is sent, refused
 * with `unavailable` if that fails; its outcome recorded before the answer is returned, and also
 * when the caller has gone (through `waitUntil`).
 */
export async function auditedAdjust({ log, who, args, remark, waitUntil }, adjust) {
  const id = args.idempotencyKey;
  let entry;
  try {
    entry = await log.put(id, {
      create: {
        operator: who.name,
        operatorId: who.id,
        member: memberKey(args.member),
        members: memberKeys(args.member),
        delta: args.delta,
        reason: args.reason,
        ...(remark !== undefined ? { remark } : {}),
        ...(args.orderId !== undefined ? { orderId: args.orderId } : {}),
        idempotencyKey: id,
        outcome: 'pending',
      },
    });
  } catch {
    throw unavailable();
  }
  const before = entry.outcome;
  const pending = adjust(args);
  const recorded = pending.then((result) => ({ result }), (error) => ({ error })).then(async ({ result, error }) => {
    const outcome = outcomeOf(result, error);
    if (outcome === null) return;
    // A repeat of an applied or refused change changes nothing in the trail.
    if ((before === 'applied' || before === 'refused') && outcome === before) return;
    try {
      await log.put(id, { update: settle(before, outcome, { result, error }) });
    } catch {
      console.error('gateway: the audit trail could not record the outcome of a change (its entry stays pending)');
    }
  });
  waitUntil?.(recorded);
  await recorded;
  return pending;
}
