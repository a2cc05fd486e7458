/**
 * The status page's "Outputs" section: per output its URL, who fetches it (last fetch, the answers
 * by kind since start, the last few client addresses) and the setting to paste into the firewall.
 */
import { anchorId, escapeHtml as e } from './escape.js';
import type { StatusModel } from './model.js';
import type { OutputStatus } from './outputs.js';
import { span, timeHtml } from './time.js';

function lastFetch(o: OutputStatus, m: StatusModel, now: number): string {
  const { fetches } = o;
  const when = fetches.lastFetchAt === null ? 'never since start' : timeHtml(fetches.lastFetchAt, now);
  const stale = fetches.stale ? ` <span class="warn">(nothing fetched it for over ${span(m.staleFetchAfterSeconds * 1000)})</span>` : '';
  return `Last fetched: <span class="last-fetch">${when}</span>${stale}`;
}

function counts(o: OutputStatus): string {
  const { ok, notModified, refused, other } = o.fetches;
  const count = (label: string, cls: string, n: number) => `${label} <span class="num ${cls}">${n}</span>`;
  return (
    `<p class="counts">Answers since start: ${count('200', 'fetch-ok', ok)}, ${count('304', 'fetch-not-modified', notModified)}, ` +
    `${count('refused (401/403/404)', 'fetch-refused', refused)}, ${count('other', 'fetch-other', other)}</p>`
  );
}

function clients(o: OutputStatus, now: number): string {
  if (o.fetches.clients.length === 0) return '<p class="muted">No client has asked for it yet.</p>';
  const items = o.fetches.clients.map(
    (c) =>
      `<li><code class="client">${e(c.address)}</code>: <span class="num">${c.requests}</span> request${c.requests === 1 ? '' : 's'}, ` +
      `last answered ${c.lastStatus} ${timeHtml(c.lastAt, now)}</li>`,
  );
  return `<p>Recent clients (up to five, most recent first):</p><ul class="clients">${items.join('')}</ul>`;
}

function snippet(o: OutputStatus): string {
  const setting = o.firewall;
  if (setting === undefined) return '';
  const label = `${setting.firewall} setting for ${o.name}`;
  const note = setting.note === undefined ? '' : `<p class="muted">${e(setting.note)}</p>`;
  // tabindex: a keyboard user can scroll a long line into view (the box scrolls on its own).
  return `<p>${e(setting.firewall)}:</p><pre tabindex="0" aria-label="${e(label)}">${e(setting.lines.join('\n'))}</pre>${note}`;
}

export function outputsSection(m: StatusModel, now: number): string {
  const items = m.outputs.map(
    (o) =>
      `<article id="${anchorId('output', o.name)}" class="output"><h3>${e(o.name)} <span class="muted">(${e(o.target)}${o.protected ? ', access controlled' : ''})</span></h3>` +
      `<p><code class="url">${e(o.url)}</code></p><p>${lastFetch(o, m, now)}</p>${counts(o)}${clients(o, now)}${snippet(o)}</article>`,
  );
  return `<section aria-labelledby="h-outputs"><h2 id="h-outputs">Outputs</h2>${items.join('')}</section>`;
}
