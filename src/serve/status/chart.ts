/**
 * Charts drawn on the server as inline SVG: the page needs no script, no font and no request
 * beyond itself. The SVG holds only shapes; every word and number (title, axis ends, legend) is
 * HTML around it, so text keeps its CSS size however narrow the screen makes the drawing. Each
 * point carries a <title>, so a browser shows the exact number on hover.
 */
import { escapeHtml } from './escape.js';
import { utc } from './time.js';

export interface ChartPoint {
  at: number;
  value: number;
}

/** One drawn series: its legend text and the CSS class that colours it (and its legend key). */
export interface Series {
  name: string;
  cls: string;
  points: readonly ChartPoint[];
}

const WIDTH = 720;
const HEIGHT = 150;
/** Room at the edges so a dot or bar at the very first or last instant is drawn whole. */
const EDGE = 3;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const x = (at: number, from: number, to: number) => EDGE + ((at - from) / Math.max(1, to - from)) * (WIDTH - 2 * EDGE);

/** Title, y-axis ends, the drawing, the x-axis ends (UTC days) and a legend with one key per series. */
function figure(title: string, yLabels: string[], svgBody: string, series: readonly Series[], from: number, to: number): string {
  const legend = series.map((s) => `<li><span class="key ${s.cls}"></span>${escapeHtml(s.name)}</li>`).join('');
  return (
    `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<div class="plot"><div class="y">${yLabels.map((l) => `<span>${l}</span>`).join('')}</div>` +
    `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">${svgBody}</svg></div>` +
    `<div class="x"><span>${day(from)}</span><span>${day(to)} (UTC)</span></div>` +
    `<ul class="legend">${legend}</ul></figure>`
  );
}

function empty(title: string): string {
  return `<p class="empty">${escapeHtml(title)}: no data yet</p>`;
}

/** A line of a level (entries in the set, blocked packets) over [from, to], zero at the bottom. */
export function lineChart(title: string, series: Series, from: number, to: number): string {
  const { points } = series;
  if (points.length === 0) return empty(title);
  const max = Math.max(1, ...points.map((p) => p.value));
  const y = (value: number) => EDGE + (1 - value / max) * (HEIGHT - 2 * EDGE);
  const at = (p: ChartPoint) => `${x(p.at, from, to).toFixed(1)},${y(p.value).toFixed(1)}`;
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${at(p)}`).join(' ');
  const dots = points
    .map((p) => {
      const [cx, cy] = at(p).split(',');
      return `<circle cx="${cx}" cy="${cy}" r="2.5" class="${series.cls}"><title>${utc(p.at)}: ${p.value}</title></circle>`;
    })
    .join('');
  const axis = `<line x1="0" y1="${y(0)}" x2="${WIDTH}" y2="${y(0)}" class="axis"/>`;
  return figure(title, [String(max), '0'], `${axis}<path d="${path}" class="line ${series.cls}"/>${dots}`, [series], from, to);
}

/** Bars up (first series) and down (second series) from a middle zero line: added and removed per sync. */
export function upDownChart(title: string, up: Series, down: Series, from: number, to: number): string {
  if (up.points.length === 0 && down.points.length === 0) return empty(title);
  const max = Math.max(1, ...up.points.map((p) => p.value), ...down.points.map((p) => p.value));
  const middle = HEIGHT / 2;
  const reach = middle - EDGE;
  const bars = (series: Series, dir: 1 | -1) =>
    series.points
      .filter((p) => p.value > 0)
      .map((p) => {
        const h = Math.max(1, (p.value / max) * reach);
        const top = dir === 1 ? middle - h : middle;
        return `<rect x="${(x(p.at, from, to) - 1.5).toFixed(1)}" y="${top.toFixed(1)}" width="3" height="${h.toFixed(1)}" class="${series.cls}"><title>${utc(p.at)}: ${dir === 1 ? '+' : '-'}${p.value}</title></rect>`;
      })
      .join('');
  const axis = `<line x1="0" y1="${middle}" x2="${WIDTH}" y2="${middle}" class="axis"/>`;
  return figure(title, [`+${max}`, '0', `-${max}`], axis + bars(up, 1) + bars(down, -1), [up, down], from, to);
}
