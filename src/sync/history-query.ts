/**
 * Questions put to the sync history: the events of a time window (the `history` command, the
 * status page) and the story of one address (`check`): when it was listed, and when and why it
 * went (expired, dropped by a full resync, excluded by the policy: allowlisted or protected).
 */
import { parsePrefix, prefixRange4, prefixRange6, type Prefix } from '../banset/address.js';
import { setDigest, type HistoryEvent, type RemovalReason } from './history-event.js';
import { eventsSince, parseHistory, readHistoryText } from './history-read.js';
import { readPublishedFile } from './store.js';

export type AddressChange = 'listed' | RemovalReason;

export interface AddressHistoryEntry {
  at: string;
  change: AddressChange;
  entry: string;
  syncKind: HistoryEvent['kind'];
}

/** The events recorded in `stateDir` since `sinceMs`, oldest first; an event whose set never went out is left out. */
export async function loadHistory(stateDir: string, sinceMs = 0): Promise<HistoryEvent[]> {
  const published = await readPublishedFile(stateDir);
  const events = parseHistory(await readHistoryText(stateDir), published === undefined ? undefined : setDigest(published.bans));
  return eventsSince(events, sinceMs);
}

/** Every change of an entry that covers `query` (the query may be a host inside a listed network, or the reverse). */
export function addressHistory(events: readonly HistoryEvent[], query: Prefix): AddressHistoryEntry[] {
  const out: AddressHistoryEntry[] = [];
  for (const event of events) {
    const changes: Array<[AddressChange, readonly string[]]> = [
      ['listed', event.added],
      ...(Object.entries(event.removed) as Array<[RemovalReason, string[]]>),
    ];
    for (const [change, entries] of changes) {
      for (const entry of entries) {
        if (overlaps(parsePrefix(entry), query)) out.push({ at: event.at, change, entry, syncKind: event.kind });
      }
    }
  }
  return out;
}

function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family === 4 && b.family === 4) {
    const [a0, a1] = prefixRange4(a);
    const [b0, b1] = prefixRange4(b);
    return a0 <= b1 && b0 <= a1;
  }
  if (a.family === 6 && b.family === 6) {
    const [a0, a1] = prefixRange6(a);
    const [b0, b1] = prefixRange6(b);
    return a0 <= b1 && b0 <= a1;
  }
  return false;
}

const CHANGE_WORDS: Record<AddressChange, string> = {
  listed: 'listed',
  expired: 'expired (APIBAN stopped listing it)',
  resync: 'removed by a full resync',
  excluded: 'excluded by the policy (allowlisted or protected)',
};

export function describeAddressChange(entry: AddressHistoryEntry): string {
  return `${entry.at}  ${CHANGE_WORDS[entry.change]}${entry.change === 'listed' ? ` (${entry.syncKind} sync)` : ''}: ${entry.entry}`;
}
