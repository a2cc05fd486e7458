/**
 * Charts drawn on the server as inline SVG: the page needs no script, no font and no request
 * beyond itself. Each point carries a <title>, so a browser shows the exact number on hover.
 */
export interface ChartPoint {
  at: number;
  value: number;
}

const WIDTH = 720;
const HEIGHT = 140;
const PAD = 34;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Scale {
  x(at: number): number;
  y(value: number): number;
  max: number;
}

function scale(from: number, to: number, max: number, height = HEIGHT): Scale {
  const span = Math.max(1, to - from);
  const top = Math.max(1, max);
  return {
    x: (at) => PAD + ((at - from) / span) * (WIDTH - 2 * PAD),
    y: (value) => height - PAD / 2 - (value / top) * (height - PAD),
    max: top,
  };
}

function frame(label: string, body: string, s: Scale, from: number, to: number, height = HEIGHT): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(label)}">` +
    `<line x1="${PAD}" y1="${s.y(0)}" x2="${WIDTH - PAD}" y2="${s.y(0)}" class="axis"/>` +
    `<text x="2" y="${s.y(s.max) + 4}" class="tick">${s.max}</text><text x="2" y="${s.y(0)}" class="tick">0</text>` +
    `<text x="${PAD}" y="${height - 2}" class="tick">${day(from)}</text>` +
    `<text x="${WIDTH - PAD}" y="${height - 2}" class="tick" text-anchor="end">${day(to)}</text>${body}</svg>`
  );
}

/** A step line of a level (entries in the set) over [from, to]. */
export function lineChart(label: string, points: readonly ChartPoint[], from: number, to: number): string {
  if (points.length === 0) return `<p class="empty">${escapeHtml(label)}: no data yet</p>`;
  const s = scale(from, to, Math.max(...points.map((p) => p.value)));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${s.x(p.at).toFixed(1)},${s.y(p.value).toFixed(1)}`).join(' ');
  const dots = points
    .map(
      (p) =>
        `<circle cx="${s.x(p.at).toFixed(1)}" cy="${s.y(p.value).toFixed(1)}" r="2"><title>${new Date(p.at).toISOString()}: ${p.value}</title></circle>`,
    )
    .join('');
  return frame(label, `<path d="${path}" class="line"/>${dots}`, s, from, to);
}

/** Bars up (first series) and down (second series) per point in time: added and removed per sync. */
export function upDownChart(label: string, up: readonly ChartPoint[], down: readonly ChartPoint[], from: number, to: number): string {
  if (up.length === 0 && down.length === 0) return `<p class="empty">${escapeHtml(label)}: no data yet</p>`;
  const max = Math.max(1, ...up.map((p) => p.value), ...down.map((p) => p.value));
  const half = scale(from, to, max, HEIGHT / 2 + PAD / 4);
  const middle = half.y(0);
  const bar = (p: ChartPoint, dir: 1 | -1, cls: string) => {
    const h = (p.value / max) * (middle - PAD / 2);
    const y = dir === 1 ? middle - h : middle;
    return `<rect x="${(half.x(p.at) - 1).toFixed(1)}" y="${y.toFixed(1)}" width="2" height="${Math.max(h, p.value > 0 ? 1 : 0).toFixed(1)}" class="${cls}"><title>${new Date(p.at).toISOString()}: ${dir === 1 ? '+' : '-'}${p.value}</title></rect>`;
  };
  const body =
    up
      .filter((p) => p.value > 0)
      .map((p) => bar(p, 1, 'up'))
      .join('') +
    down
      .filter((p) => p.value > 0)
      .map((p) => bar(p, -1, 'down'))
      .join('');
  return frame(label, body, half, from, to, HEIGHT);
}
