/**
 * `check`'s answer as text: the first line says listed / not listed (an address) or covered /
 * partly covered, with how many addresses / not listed (a network); then who listed it, the
 * published set, and its history: change by change when short, else counted by kind with first
 * and last times and a few examples, never a line per address.
 */
import type { EdgeListing } from '../ingest/explain.js';
import type { AddressExplanation } from '../sync/explain.js';
import { describeAddressChange, describeChangeKind, type AddressChange } from '../sync/history/query.js';
import { HISTORY_LINES, type AddressHistorySummary } from '../sync/history/summary.js';

const SET_ORIGIN = { sample: 'the bundled sample (no APIBAN key)', local: 'the local sources (no APIBAN key)', apiban: 'APIBAN' };

export function describeLocal(local: AddressExplanation): string[] {
  const lines = [verdict(local)];
  for (const lister of local.listedBy) {
    if (lister.source === 'apiban') lines.push(`  APIBAN ${lister.entry}: first seen ${lister.firstSeen}, last seen ${lister.lastSeen}`);
    else lines.push(`  ${lister.source === 'sample' ? 'bundled sample list' : `local source ${lister.name}`}: ${lister.entry}`);
  }
  const inside = local.apibanInside;
  if (inside !== undefined)
    lines.push(
      `  APIBAN: ${entries(inside.entries)} inside (${examples(inside.examples, inside.entries)}), first seen ${inside.firstSeen}, last seen ${inside.lastSeen}`,
    );
  lines.push(`  published set: ${local.set.size} entries from ${SET_ORIGIN[local.set.source]}, synced ${local.set.syncedAt}`);
  return lines;
}

/** Each edge ban of the query: "edge:sbc1 198.51.100.7: banned <time>, expires <time>" (or how it ended). */
export function describeEdge(listings: readonly EdgeListing[]): string[] {
  return listings.map((l) => `  edge:${l.client} ${l.ban}: ${edgeBanText(l)}`);
}

export function edgeBanText(l: EdgeListing): string {
  const banned = `banned ${l.since ?? '(time not recorded)'}`;
  const again = l.lastBlocked !== null && l.lastBlocked !== l.since ? `, last blocked ${l.lastBlocked}` : '';
  const end = l.ended === undefined ? `expires ${l.until}` : ENDED[l.ended.how](l.ended.at, l.client);
  return `${banned}${again}, ${end}`;
}

const ENDED = {
  expired: (at: string) => `expired ${at}`,
  removed: (at: string, client: string) => `removed by ${client} ${at}`,
  flushed: (at: string, client: string) => `flushed by ${client} ${at}`,
};

function verdict(local: AddressExplanation): string {
  const network = local.addresses !== 1;
  if (local.coverage === 'covered') return `${local.query}: ${network ? 'covered' : 'listed'} (published as ${local.publishedAs})`;
  if (local.coverage === 'partly-covered') {
    const inside = local.publishedInside;
    const by =
      inside === undefined ? '' : `, by ${entries(inside.entries)} published inside it (${examples(inside.examples, inside.entries)})`;
    return `${local.query}: partly covered: ${local.bannedAddresses} of its ${local.addresses} addresses are banned${by}`;
  }
  return `${local.query}: not listed${local.excluded ? `: ${local.excluded}` : ''}`;
}

export function describeHistory(history: AddressHistorySummary): string[] {
  if (history.changes === 0) return ['  history: no change recorded (kept for sync.history)'];
  if (history.changes <= HISTORY_LINES) return ['  history:', ...history.recent.map((entry) => `    ${describeAddressChange(entry)}`)];
  const kinds = Object.entries(history.byChange).map(([change, s]) => {
    const what = `${describeChangeKind(change as AddressChange)}: ${s.changes} change(s) to ${entries(s.entries)}`;
    return `    ${what}, first ${s.first}, last ${s.last} (${examples(s.examples, s.entries)})`;
  });
  return [`  history: ${history.changes} changes from ${history.first} to ${history.last} (check --json shows the latest)`, ...kinds];
}

function entries(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}

/** The first few of `total` entries; "e.g." only when some are left out. */
function examples(list: readonly string[], total: number): string {
  return `${total > list.length ? 'e.g. ' : ''}${list.join(', ')}`;
}
