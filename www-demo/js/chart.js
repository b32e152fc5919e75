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
export function balanceChart(entries, { width = 600 } = {}) {
  // Entries come newest first; reversed, a stable sort keeps same-second entries in order.
  const pts = [...entries].reverse()
    .filter((e) => Number.isFinite(e.balanceAfter) && !Number.isNaN(Date.parse(e.at)))
    .map((e) => ({ t: Date.parse(e.at), v: e.balanceAfter, at: e.at }))
    .sort((a, b) => a.t - b.t);
  if (pts.length === 0) return null;
  // Drawn at the width it is shown at, so that 12px text is 12px on a phone too.
  const W = Math.max(280, Math.round(width)), H = W < 500 ? 180 : 200, L = 52, R = 10, T = 12, B = 26;
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
  for (const p of pts) {
    p.x = x(p.t);
    p.y = y(p.v);
    svg.append(el('circle', { class: 'dot', cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 3 }));
  }
  // Ticks: the two ends and the middle, as dates.
  const mid = pts[Math.floor(pts.length / 2)];
  const label = (text, attrs) => { const t = el('text', attrs); t.textContent = text; return t; };
  svg.append(
    label(String(hi), { x: L - 4, y: T + 8, 'text-anchor': 'end' }),
    label(String(lo), { x: L - 4, y: y(lo), 'text-anchor': 'end' }),
    label(pts[0].at.slice(0, 10), { x: L, y: H - 6 }),
    label(pts[pts.length - 1].at.slice(0, 10), { x: W - R, y: H - 6, 'text-anchor': 'end' }),
  );
  if (pts.length > 2 && mid.x - L > 90 && W - R - mid.x > 90) svg.append(label(mid.at.slice(0, 10), { x: mid.x, y: H - 6, 'text-anchor': 'middle' }));
  return { svg, pts, points: pts.length, min: Math.min(...vs), max: Math.max(...vs), first: pts[0], last: pts[pts.length - 1] };
}

/**
 * A tooltip on `fig` for the chart `c`: the nearest point's time and balance under a pointer
 * (mouse hover, or a tap on a phone). `format(p)` gives its text.
 */
export function attachTooltip(fig, c, format) {
  const tip = document.createElement('div');
  tip.className = 'tip';
  tip.hidden = true;
  tip.setAttribute('role', 'status');
  fig.append(tip);
  const dots = [...c.svg.querySelectorAll('.dot')];
  const show = (ev) => {
    const box = c.svg.getBoundingClientRect();
    const scale = box.width / c.svg.viewBox.baseVal.width;
    const px = (ev.clientX - box.left) / scale;
    let best = 0;
    for (let i = 1; i < c.pts.length; i++) if (Math.abs(c.pts[i].x - px) < Math.abs(c.pts[best].x - px)) best = i;
    const p = c.pts[best];
    dots.forEach((d, i) => d.classList.toggle('on', i === best));
    tip.textContent = format(p);
    tip.hidden = false;
    // Kept inside the figure: near an edge the tip would widen the page on a phone.
    const figW = fig.clientWidth, half = tip.offsetWidth / 2;
    const cx = p.x * scale + (box.left - fig.getBoundingClientRect().left);
    tip.style.left = `${Math.min(Math.max(cx, half), Math.max(half, figW - half))}px`;
    tip.style.top = `${p.y * scale}px`;
  };
  c.svg.addEventListener('pointermove', show);
  c.svg.addEventListener('pointerdown', show);
  c.svg.addEventListener('pointerleave', () => { tip.hidden = true; dots.forEach((d) => d.classList.remove('on')); });
}
