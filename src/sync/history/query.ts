/**
 * Questions put to the sync history: the events of a time window (the `history` command, the
 * status page) and the story of one address (`check`): when it was listed, and when and why it
 * went (expired, dropped by a full resync, excluded by the policy: allowlisted or protected).
 */
import { parsePrefix, type Prefix } from '../../banset/address.js';
import { overlaps } from '../../banset/coverage.js';
import { setDigest, type HistoryEvent, type RemovalReason } from './event.js';
import { eventsSince, parseHistory, readHistoryText } from './read.js';
import { readPublishedFile } from '../store.js';

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

const CHANGE_WORDS: Record<AddressChange, string> = {
  listed: 'listed',
  expired: 'expired (APIBAN stopped listing it)',
  resync: 'removed by a full resync',
  excluded: 'excluded by the policy (allowlisted or protected)',
};

/** The kind of change in words ("expired (APIBAN stopped listing it)"). */
export function describeChangeKind(change: AddressChange): string {
  return CHANGE_WORDS[change];
}

export function describeAddressChange(entry: AddressHistoryEntry): string {
  return `${entry.at}  ${CHANGE_WORDS[entry.change]}${entry.change === 'listed' ? ` (${entry.syncKind} sync)` : ''}: ${entry.entry}`;
}
