// A small inline-SVG line of the balance over time, from ledger entries that
// carry a balance after the change. Built with DOM calls (no innerHTML).

const NS = 'http://www.w3.org/2000/svg';
const el = (name, attrs) => {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

/**
 * @param {{ at: string, balanceAfter?: number }[]} entries any order
 * @returns {{ svg: SVGSVGElement, points: number, min: number, max: number, first: object, last: object } | null}
 */
export function balanceChart(entries) {
  // Entries come newest first; reversed, a stable sort keeps same-second entries in order.
  const pts = [...entries].reverse()
    .filter((e) => Number.isFinite(e.balanceAfter) && !Number.isNaN(Date.parse(e.at)))
    .map((e) => ({ t: Date.parse(e.at), v: e.balanceAfter, at: e.at }))
    .sort((a, b) => a.t - b.t);
  if (pts.length === 0) return null;
  const W = 600, H = 160, L = 44, R = 8, T = 10, B = 22;
  const t0 = pts[0].t, t1 = pts[pts.length - 1].t;
  const vs = pts.map((p) => p.v);
  let lo = Math.min(0, ...vs), hi = Math.max(...vs);
  if (hi === lo) hi = lo + 1;
  const x = (t) => (t1 === t0 ? L + (W - L - R) / 2 : L + ((t - t0) / (t1 - t0)) * (W - L - R));
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  // A step line: the balance holds until the next change.
  let d = `M${x(pts[0].t).toFixed(1)},${y(pts[0].v).toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) d += `H${x(pts[i].t).toFixed(1)}V${y(pts[i].v).toFixed(1)}`;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, 'aria-hidden': 'true', focusable: 'false' });
  svg.append(
    el('line', { class: 'axis', x1: L, y1: y(lo), x2: W - R, y2: y(lo) }),
    el('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }),
    el('path', { class: 'area', d: `${d}V${y(lo).toFixed(1)}H${x(pts[0].t).toFixed(1)}Z` }),
    el('path', { class: 'line', d }),
  );
  for (const p of pts) svg.append(el('circle', { class: 'dot', cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5 }));
  const label = (text, attrs) => { const t = el('text', attrs); t.textContent = text; return t; };
  svg.append(
    label(String(hi), { x: L - 4, y: T + 8, 'text-anchor': 'end' }),
    label(String(lo), { x: L - 4, y: y(lo), 'text-anchor': 'end' }),
    label(pts[0].at.slice(0, 10), { x: L, y: H - 6 }),
    label(pts[pts.length - 1].at.slice(0, 10), { x: W - R, y: H - 6, 'text-anchor': 'end' }),
  );
  return { svg, points: pts.length, min: Math.min(...vs), max: Math.max(...vs), first: pts[0], last: pts[pts.length - 1] };
}
