/**
 * The status page as one self-contained HTML document: inline CSS, server-drawn SVG charts, no
 * script and no external reference, so it works offline and without JavaScript. Every value
 * comes from the StatusModel (the same object /status.json sends) and is HTML-escaped.
 */
import { FAMILIES } from '../push/counters/blocked.js';
import { escapeHtml as e, lineChart, upDownChart, type ChartPoint } from './status-chart.js';
import type { StatusModel } from './status-model.js';

const DAY_MS = 86_400_000;
export const CHART_DAYS = 30;

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:780px;color:#222;padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:2px 8px 2px 0;vertical-align:top}
.num{font-variant-numeric:tabular-nums}.ok{color:#176d2a}.bad{color:#b00020}.muted{color:#777}
pre{background:#f4f4f4;padding:6px;overflow-x:auto;margin:2px 0 8px}code{word-break:break-all}
.chart{width:100%;height:auto}.axis{stroke:#999}.line{fill:none;stroke:#2456a6;stroke-width:1.5}
circle{fill:#2456a6}.up{fill:#2e8b57}.down{fill:#c0392b}.tick{font-size:10px;fill:#777}`;

export function renderStatusHtml(model: StatusModel): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>apiban-exporter status</title><style>${STYLE}</style></head><body>` +
    `<h1>apiban-exporter</h1><p class="muted">Generated ${e(model.generatedAt)} &middot; <a href="status.json">status.json</a> &middot; <a href="metrics">metrics</a></p>` +
    setSection(model) +
    historySection(model) +
    outputsSection(model) +
    devicesSection(model) +
    '</body></html>'
  );
}

function row(label: string, value: string, id?: string): string {
  return `<tr><th>${e(label)}</th><td${id === undefined ? '' : ` id="${id}"`} class="num">${value}</td></tr>`;
}

function setSection(m: StatusModel): string {
  const set = m.set;
  const sync = m.lastSync;
  const syncText =
    sync === null
      ? 'none yet'
      : `<span class="${sync.ok ? 'ok' : 'bad'}">${sync.ok ? 'ok' : 'failed'}</span> ${e(sync.at)}, ${sync.full ? 'full' : 'incremental'}, ${sync.durationMs} ms${sync.error ? `: ${e(sync.error)}` : ''}`;
  const guard = m.guard.refusing ? `<span class="bad">refusing</span>: ${e(m.guard.message ?? '')}` : `<span class="ok">passing</span>`;
  return (
    '<h2>Ban set</h2><table>' +
    row('Entries', set === null ? 'none published yet' : `${set.size}`, 'set-size') +
    row('IPv4 / IPv6', set === null ? '-' : `<span id="set-v4">${set.v4}</span> / <span id="set-v6">${set.v6}</span>`) +
    row('Source, synced', set === null ? '-' : `${e(set.source)}, ${e(set.syncedAt)}`) +
    row(
      'APIBAN last answered',
      m.apiban.lastAnswerAt === null ? 'not yet' : `${e(m.apiban.lastAnswerAt)} (${e(m.apiban.lastOutcome ?? '')})`,
      'apiban-last',
    ) +
    row('Last sync', syncText, 'last-sync') +
    row('Next sync due', m.nextSyncAt === null ? '-' : e(m.nextSyncAt), 'next-sync') +
    row('Guard', `${guard} <span class="muted">(maxShrink ${m.guard.maxShrink}, allowEmpty ${m.guard.allowEmpty})</span>`, 'guard') +
    '</table>'
  );
}

function historySection(m: StatusModel): string {
  const to = Date.parse(m.generatedAt);
  const from = to - CHART_DAYS * DAY_MS;
  const ok = m.history.filter((h) => h.ok && Date.parse(h.at) >= from);
  const points = (pick: (h: StatusModel['history'][number]) => number): ChartPoint[] =>
    ok.map((h) => ({ at: Date.parse(h.at), value: pick(h) }));
  const failed = m.history.filter((h) => !h.ok).length;
  return (
    `<h2>The set over ${CHART_DAYS} days</h2>` +
    `<p class="num">${ok.length} syncs recorded, ${failed} failed; added <span id="history-added">${ok.reduce((n, h) => n + h.added, 0)}</span>, removed <span id="history-removed">${ok.reduce((n, h) => n + h.removed, 0)}</span></p>` +
    lineChart(
      'Entries in the set',
      points((h) => h.size),
      from,
      to,
    ) +
    upDownChart(
      'Added and removed per sync',
      points((h) => h.added),
      points((h) => h.removed),
      from,
      to,
    )
  );
}

function outputsSection(m: StatusModel): string {
  const items = m.outputs.map(
    (o) =>
      `<h3>${e(o.name)} <span class="muted">(${e(o.target)}${o.protected ? ', access controlled' : ''})</span></h3>` +
      `<p><code class="url">${e(o.url)}</code></p>` +
      (o.firewall === undefined ? '' : `<p>${e(o.firewall.firewall)}:</p><pre>${e(o.firewall.lines.join('\n'))}</pre>`),
  );
  return `<h2>Outputs</h2>${items.join('')}`;
}

/** "not reported", never 0, for a device whose rule counts nothing we can read. */
function blockedCell(blocked: StatusModel['devices'][number]['blocked']): string {
  if (blocked === null) return '<td class="muted blocked">not reported</td>';
  const parts = FAMILIES.filter((f) => blocked[f] !== undefined).map(
    (f) => `${f} ${blocked[f]?.packets}${blocked[f]?.bytes === undefined ? '' : ` (${blocked[f]?.bytes} B)`}`,
  );
  return `<td class="num blocked">${e(parts.join(', '))}</td>`;
}

function blockedChart(m: StatusModel): string {
  if (m.blocked.length === 0)
    return '<p class="muted">Blocked traffic: no device reports it (it needs a counting drop rule: linux-nftables with dropRule, a pf table, or settings.counters naming the ACL, filter counter or iptables chain that drops the list).</p>';
  const to = Date.parse(m.generatedAt);
  const points: ChartPoint[] = m.blocked.map((p) => ({ at: Date.parse(p.at), value: p.packets }));
  return `<h3>Blocked packets, whole fleet</h3>${lineChart('Blocked packets, whole fleet', points, Math.min(points[0].at, to - DAY_MS), to)}`;
}

function devicesSection(m: StatusModel): string {
  if (m.devices.length === 0) return '<h2>Push fleet</h2><p class="muted">No devices configured (push.devices).</p>';
  const rows = m.devices.map((d) => {
    const p = d.lastPush;
    const push =
      p === null
        ? '<td colspan="4" class="muted">not pushed yet</td>'
        : `<td>${e(p.at)}</td><td class="${p.result === 'failed' || p.result === 'refused' ? 'bad' : 'ok'}">${e(p.result)}${p.error ? `: ${e(p.error)}` : ''}</td>` +
          `<td class="num">+${p.added} -${p.removed}</td><td class="num">${p.sent}</td>`;
    return `<tr data-device="${e(d.name)}"><td>${e(d.name)}</td><td>${e(d.driver)}</td>${push}${blockedCell(d.blocked)}</tr>`;
  });
  return (
    '<h2>Push fleet</h2><table><tr><th>Device</th><th>Driver</th><th>Last push</th><th>Result</th><th>Added/removed</th><th>Sent</th><th>Blocked packets (bytes)</th></tr>' +
    `${rows.join('')}</table>${blockedChart(m)}`
  );
}
