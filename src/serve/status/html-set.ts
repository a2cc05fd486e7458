/**
 * The status page's "Ban set" section (the set, APIBAN, the last and next sync, the guard) and
 * the 30-day charts of the set from the sync history. The ids here are the verdict's link targets.
 */
import { escapeHtml as e } from './escape.js';
import { lineChart, upDownChart, type ChartPoint } from './chart.js';
import type { StatusModel } from './model.js';
import { span, timeHtml } from './time.js';

const DAY_MS = 86_400_000;
export const CHART_DAYS = 30;

function row(label: string, value: string, id?: string): string {
  return `<tr><th scope="row">${e(label)}</th><td${id === undefined ? '' : ` id="${id}"`} class="num">${value}</td></tr>`;
}

/** " (failing for 12 min)" after a failure that has lasted. */
function failingFor(since: string | null, now: number): string {
  if (since === null) return '';
  return ` <span class="bad">(failing for <span title="since ${e(since)}">${span(now - Date.parse(since))}</span>)</span>`;
}

function syncText(m: StatusModel, now: number): string {
  const sync = m.lastSync;
  if (sync === null) return 'none yet';
  const outcome = `<span class="${sync.ok ? 'ok' : 'bad'}">${sync.ok ? 'ok' : 'failed'}</span>`;
  const detail = `${sync.full ? 'full' : 'incremental'}, ${sync.durationMs} ms${sync.error ? `: ${e(sync.error)}` : ''}`;
  return `${outcome} ${timeHtml(sync.at, now)}, ${detail}${failingFor(m.syncFailingSince, now)}`;
}

/** Never a time already past: a running sync (and one waiting to retry APIBAN) says so instead. */
function nextSyncText(m: StatusModel, now: number): string {
  const running = m.syncRunning;
  if (running !== null) {
    const started = timeHtml(running.since, now);
    return running.retrying
      ? `<span class="warn">retrying</span>: APIBAN answered ${e(m.apiban.lastOutcome ?? '')} ${timeHtml(m.apiban.lastAnswerAt as string, now)}; this sync started ${started}`
      : `running now (started ${started})`;
  }
  if (m.nextSyncAt === null) return '-';
  return Date.parse(m.nextSyncAt) > now ? timeHtml(m.nextSyncAt, now) : 'due now';
}

function apibanText(m: StatusModel, now: number): string {
  if (m.apiban.lastAnswerAt === null) return m.apiban.keyConfigured ? 'not yet' : 'no key configured: local sources only';
  return `${timeHtml(m.apiban.lastAnswerAt, now)} (${e(m.apiban.lastOutcome ?? '')})${failingFor(m.apiban.failingSince, now)}`;
}

export function setSection(m: StatusModel, now: number): string {
  const set = m.set;
  const guard = m.guard.refusing ? `<span class="bad">refusing</span>: ${e(m.guard.message ?? '')}` : `<span class="ok">passing</span>`;
  const maxAge = span(m.maxAgeSeconds * 1000);
  return (
    '<section aria-labelledby="h-set"><h2 id="h-set">Ban set</h2><table>' +
    row('Entries', set === null ? 'none published yet' : `${set.size}`, 'set-size') +
    row('IPv4 / IPv6', set === null ? '-' : `<span id="set-v4">${set.v4}</span> / <span id="set-v6">${set.v6}</span>`) +
    row(
      'Source, synced',
      set === null ? '-' : `${e(set.source)}, ${timeHtml(set.syncedAt, now)} <span class="muted">(stale after ${maxAge})</span>`,
      'set-synced',
    ) +
    row('APIBAN last answered', apibanText(m, now), 'apiban-last') +
    row('Last sync', syncText(m, now), 'last-sync') +
    row('Next sync', nextSyncText(m, now), 'next-sync') +
    row('Guard', `${guard} <span class="muted">(maxShrink ${m.guard.maxShrink}, allowEmpty ${m.guard.allowEmpty})</span>`, 'guard') +
    '</table></section>'
  );
}

export function historySection(m: StatusModel): string {
  const to = Date.parse(m.generatedAt);
  const from = to - CHART_DAYS * DAY_MS;
  const ok = m.history.filter((h) => h.ok && Date.parse(h.at) >= from);
  const points = (pick: (h: StatusModel['history'][number]) => number): ChartPoint[] =>
    ok.map((h) => ({ at: Date.parse(h.at), value: pick(h) }));
  const failed = m.history.filter((h) => !h.ok).length;
  const added = ok.reduce((n, h) => n + h.added, 0);
  const removed = ok.reduce((n, h) => n + h.removed, 0);
  return (
    `<section aria-labelledby="h-history"><h2 id="h-history">The set over ${CHART_DAYS} days</h2>` +
    `<p class="num">${ok.length} syncs recorded, ${failed} failed; added <span id="history-added">${added}</span>, removed <span id="history-removed">${removed}</span></p>` +
    lineChart('Entries in the set', { name: 'entries', cls: 'entries', points: points((h) => h.size) }, from, to) +
    upDownChart(
      'Added and removed per sync',
      { name: 'added', cls: 'added', points: points((h) => h.added) },
      { name: 'removed', cls: 'removed', points: points((h) => h.removed) },
      from,
      to,
    ) +
    '</section>'
  );
}
