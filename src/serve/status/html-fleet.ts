/**
 * The status page's "Push fleet" section: each device's last push and the blocked traffic it
 * reports. The table scrolls inside its own box, so a phone never scrolls the whole page sideways.
 */
import { FAMILIES } from '../../fleet/blocked.js';
import { lineChart, type ChartPoint } from './chart.js';
import { anchorId, escapeHtml as e } from './escape.js';
import type { StatusModel } from './model.js';
import { timeHtml } from './time.js';

const DAY_MS = 86_400_000;

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
  const from = Math.min(points[0].at, to - DAY_MS);
  return lineChart('Blocked packets, whole fleet', { name: 'blocked packets', cls: 'blocked', points }, from, to);
}

function deviceRow(d: StatusModel['devices'][number], now: number): string {
  const p = d.lastPush;
  const push =
    p === null
      ? '<td colspan="4" class="muted">not pushed yet</td>'
      : `<td>${timeHtml(p.at, now)}</td><td class="${p.result === 'failed' || p.result === 'refused' ? 'bad' : 'ok'}">${e(p.result)}${p.error ? `: ${e(p.error)}` : ''}</td>` +
        `<td class="num">+${p.added} -${p.removed}</td><td class="num">${p.sent}</td>`;
  return `<tr id="${anchorId('device', d.name)}" data-device="${e(d.name)}"><td>${e(d.name)}</td><td>${e(d.driver)}</td>${push}${blockedCell(d.blocked)}</tr>`;
}

export function fleetSection(m: StatusModel, now: number): string {
  const head = '<section aria-labelledby="h-fleet"><h2 id="h-fleet">Push fleet</h2>';
  if (m.devices.length === 0) return `${head}<p class="muted">No devices configured (push.devices).</p></section>`;
  return (
    `${head}<div class="scroll" tabindex="0" role="region" aria-label="Push fleet table"><table>` +
    '<tr><th scope="col">Device</th><th scope="col">Driver</th><th scope="col">Last push</th><th scope="col">Result</th><th scope="col">Added/removed</th><th scope="col">Sent</th><th scope="col">Blocked packets (bytes)</th></tr>' +
    `${m.devices.map((d) => deviceRow(d, now)).join('')}</table></div>${blockedChart(m)}</section>`
  );
}
