/**
 * The status page's "Edge bans" section (absent when ingest is off): per client, its live bans,
 * its last ban, and what was refused by rule, expired and removed since serve started.
 */
import { EDGE_REFUSALS } from '../../edge/events.js';
import { escapeHtml as e } from './escape.js';
import type { EdgeClientStatus } from './edge.js';
import type { StatusModel } from './model.js';
import { timeHtml } from './time.js';

function lastBanCell(last: EdgeClientStatus['lastBan'], now: number): string {
  if (last === null) return '<td class="muted">none yet</td>';
  const ends = Date.parse(last.expiresAt) > now ? 'expires' : 'ended';
  return `<td><code>${e(last.ban)}</code> ${timeHtml(last.at, now)}, ${ends} ${timeHtml(last.expiresAt, now)}</td>`;
}

/** "allowlist 2, rate 5" in the order of EDGE_REFUSALS; "none" when nothing was refused. */
function refusedCell(refused: EdgeClientStatus['refused']): string {
  const parts = EDGE_REFUSALS.filter((rule) => (refused[rule] ?? 0) > 0).map((rule) => `${rule} ${refused[rule]}`);
  return parts.length === 0 ? '<td class="muted">none</td>' : `<td class="num">${e(parts.join(', '))}</td>`;
}

function clientRow(c: EdgeClientStatus, now: number): string {
  return (
    `<tr data-edge-client="${e(c.client)}"><td>${e(c.client)}</td><td class="num">${c.live}</td>${lastBanCell(c.lastBan, now)}` +
    `<td class="num">${c.accepted}</td>${refusedCell(c.refused)}<td class="num">${c.expired}</td><td class="num">${c.removed}</td></tr>`
  );
}

export function edgeSection(m: StatusModel, now: number): string {
  if (m.edge === null) return '';
  return (
    '<section aria-labelledby="h-edge"><h2 id="h-edge">Edge bans</h2>' +
    '<div class="scroll" tabindex="0" role="region" aria-label="Edge bans table"><table>' +
    '<tr><th scope="col">Client</th><th scope="col">Live</th><th scope="col">Last ban</th><th scope="col">Accepted</th><th scope="col">Refused by rule</th><th scope="col">Expired</th><th scope="col">Removed</th></tr>' +
    `${m.edge.map((c) => clientRow(c, now)).join('')}</table></div>` +
    '<p class="muted">Live bans and the last ban come from the journal (edge-bans.jsonl); accepted, refused, expired and removed count since serve started.</p></section>'
  );
}
