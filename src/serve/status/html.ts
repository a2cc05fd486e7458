/**
 * The status page as one self-contained HTML document: inline CSS, server-drawn SVG charts, no
 * external reference, so it works offline and without JavaScript. Every value comes from the
 * StatusModel (the same object /status.json sends) and is HTML-escaped. The first line is the
 * verdict; the sections below it explain each problem it names (status-html-*.ts).
 *
 * Times are relative ("3 min ago") with the UTC time in `title`. One small inline script, allowed
 * by its hash in the Content-Security-Policy and needed for nothing else, rewrites those titles
 * into the viewer's time zone.
 */
import { createHash } from 'node:crypto';
import { escapeHtml as e } from './escape.js';
import { edgeSection } from './html-edge.js';
import { fleetSection } from './html-fleet.js';
import { outputsSection } from './html-outputs.js';
import { historySection, setSection } from './html-set.js';
import type { StatusModel } from './model.js';
import { relative, span, timeHtml } from './time.js';
import type { Problem, Verdict } from './verdict.js';

export { CHART_DAYS } from './html-set.js';

// Colours meet WCAG AA (4.5:1) on their backgrounds; series colours are set once as --c.
const STYLE = `*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header,main{max-width:62rem;margin:0 auto;padding:0 1rem}main{padding-bottom:2rem}
h1{font-size:1.4em;margin:.8em 0 .2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1em;margin:1.4em 0 .3em}
a{color:#0b57d0}.muted{color:#595959}.ok{color:#176d2a}.bad{color:#b00020}.warn{color:#8a4b00}
.verdict{padding:.6em .8em;border:1px solid;border-radius:6px;font-weight:600}.verdict a{color:inherit}
.verdict.ok{background:#e8f5ec;color:#0f4d1e}.verdict.warn{background:#fff4e0;color:#5c3300}.verdict.bad{background:#fdecee;color:#7a0016}
table{border-collapse:collapse}td,th{text-align:left;padding:3px 12px 3px 0;vertical-align:top}
.scroll{overflow-x:auto;max-width:100%}.scroll:focus,pre:focus{outline:2px solid #0b57d0}
pre{background:#f4f4f4;padding:6px 8px;overflow-x:auto;margin:2px 0 6px;font-size:13px}code{overflow-wrap:anywhere}
.num{font-variant-numeric:tabular-nums}ul.clients{margin:.2em 0;padding-left:1.2em}
figure.chart{margin:1em 0}figcaption{font-weight:600}
.plot{display:flex;gap:6px}.plot svg{flex:1;min-width:0;height:auto;display:block}
.y,.x{font-size:12px;color:#595959}.y{display:flex;flex-direction:column;justify-content:space-between;text-align:right;width:4em}
.x{display:flex;justify-content:space-between;padding-left:calc(4em + 6px)}
.legend{list-style:none;padding:0;margin:.2em 0;display:flex;flex-wrap:wrap;gap:.3em 1.2em;font-size:13px}
.key{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle;background:var(--c)}
.axis{stroke:#888}.line{fill:none;stroke:var(--c);stroke-width:2}circle,rect{fill:var(--c)}
.entries{--c:#2456a6}.added{--c:#2e8b57}.removed{--c:#c0392b}.blocked{--c:#7b3fa0}`;

const SCRIPT =
  "for(const t of document.querySelectorAll('time[datetime]'))t.title=new Date(t.dateTime).toLocaleString();" +
  "document.getElementById('tz').textContent='hover a time for it in your time zone ('+Intl.DateTimeFormat().resolvedOptions().timeZone+')'";

/** The Content-Security-Policy the page is sent with: nothing loads from anywhere, only the one script runs. */
export const STATUS_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; img-src 'self'; base-uri 'none'; form-action 'none'`;

export function renderStatusHtml(model: StatusModel): string {
  const now = Date.parse(model.generatedAt);
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>apiban-exporter status</title><style>${STYLE}</style></head><body>` +
    `<header><h1>apiban-exporter</h1><p class="muted">Generated ${timeHtml(model.generatedAt, now)} &middot; <span id="tz">hover a time for it in UTC</span>` +
    ` &middot; <a href="status.json">status.json</a> &middot; <a href="metrics">metrics</a></p></header>` +
    `<main>${verdictHtml(model, now)}${setSection(model, now)}${historySection(model)}${outputsSection(model, now)}${fleetSection(model, now)}${edgeSection(model, now)}</main>` +
    `<script>${SCRIPT}</script></body></html>`
  );
}

const HEADLINE: Record<Verdict['level'], string> = { ok: 'All good', warn: 'Needs attention', bad: 'Action needed' };

function verdictHtml(model: StatusModel, now: number): string {
  const { level, problems } = model.verdict;
  const body = problems.length === 0 ? e(allGood(model, now)) : grouped(problems, now).join('; ');
  return `<p id="verdict" class="verdict ${level}">${HEADLINE[level]}: ${body}</p>`;
}

/** Problems about outputs or devices that say the same are one item: "outputs ...: a, b, c". */
function grouped(problems: readonly Problem[], now: number): string[] {
  const items: string[] = [];
  const groups = new Map<string, string[]>();
  for (const problem of problems) {
    if (problem.subject === undefined) {
      items.push(`<a href="#${e(problem.section)}">${e(problem.text)}</a>${lasted(problem, now)}`);
      continue;
    }
    let links = groups.get(problem.text);
    if (links === undefined) {
      links = [];
      groups.set(problem.text, links);
      items.push(problem.text);
    }
    links.push(`<a href="#${e(problem.section)}">${e(problem.subject)}</a>${lasted(problem, now)}`);
  }
  return items.map((item) => (groups.has(item) ? `${e(item)}: ${groups.get(item)?.join(', ')}` : item));
}

/** " for 12 min" after a problem whose start is known and not a moment ago. */
function lasted(problem: Problem, now: number): string {
  const since = problem.since === undefined ? 0 : now - Date.parse(problem.since);
  return since < 5000 ? '' : ` for <span title="since ${e(problem.since as string)}">${span(since)}</span>`;
}

function allGood(model: StatusModel, now: number): string {
  const set = model.set;
  const parts = [
    set === null ? 'no set yet' : `${set.size} entries, synced ${relative(Date.parse(set.syncedAt), now)}`,
    `${model.outputs.length} output${model.outputs.length === 1 ? '' : 's'} fetched`,
    ...(model.devices.length === 0
      ? []
      : [`${model.devices.filter((d) => d.lastPush !== null).length} of ${model.devices.length} devices pushed`]),
  ];
  return parts.join('; ');
}
