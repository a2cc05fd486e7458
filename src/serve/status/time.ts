/**
 * Times as the status page shows them: relative ("3 min ago", "in 4 min") in the text, the
 * absolute time in UTC in the `title` (a browser shows it on hover), and the ISO instant in
 * `datetime`, which the page's optional script turns into the viewer's own time zone. The server
 * has no idea of the viewer's zone, so everything it renders says UTC.
 */
import { escapeHtml } from './escape.js';

const STEPS: Array<[limitMs: number, unitMs: number, unit: string]> = [
  [90_000, 1000, 's'],
  [90 * 60_000, 60_000, 'min'],
  [48 * 3_600_000, 3_600_000, 'h'],
  [Number.POSITIVE_INFINITY, 86_400_000, 'days'],
];

/** A length of time in the largest unit that keeps it readable: "40 s", "12 min", "3 h", "2 days". */
export function span(ms: number): string {
  const abs = Math.abs(ms);
  const [, unitMs, unit] = STEPS.find(([limit]) => abs < limit) as (typeof STEPS)[number];
  const count = Math.round(abs / unitMs);
  return `${count} ${count === 1 && unit === 'days' ? 'day' : unit}`;
}

/** "3 min ago" for a past instant, "in 4 min" for a future one, "just now" within 5 s either way. */
export function relative(atMs: number, nowMs: number): string {
  const diff = nowMs - atMs;
  if (Math.abs(diff) < 5000) return 'just now';
  return diff > 0 ? `${span(diff)} ago` : `in ${span(diff)}`;
}

/** "2026-12-04 10:31:07 UTC". */
export function utc(atMs: number): string {
  return `${new Date(atMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A `<time>` element: relative text, UTC in the title, the instant in `datetime`. */
export function timeHtml(iso: string, nowMs: number): string {
  const at = Date.parse(iso);
  return `<time datetime="${escapeHtml(iso)}" title="${utc(at)}">${relative(at, nowMs)}</time>`;
}
