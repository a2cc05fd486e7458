/**
 * The sync history of a queried address or network, summed up for `check`: how many changes of
 * each kind (listed, expired, ...), to how many entries, first and last time, and a few example
 * entries. A network of 256 banned addresses reads as a few lines, not 256.
 */
import type { AddressChange, AddressHistoryEntry } from './query.js';

export const HISTORY_EXAMPLES = 3;
/** A history this short is printed change by change (the story of one address). */
export const HISTORY_LINES = 5;

export interface ChangeSummary {
  changes: number;
  /** Distinct entries the changes were about. */
  entries: number;
  first: string;
  last: string;
  /** The first few distinct entries, in the order they changed. */
  examples: string[];
}

export interface AddressHistorySummary {
  changes: number;
  first?: string;
  last?: string;
  byChange: Partial<Record<AddressChange, ChangeSummary>>;
  /** The latest changes, oldest first (at most HISTORY_LINES). */
  recent: AddressHistoryEntry[];
}

/** `history` is oldest first, as addressHistory returns it. */
export function summarizeHistory(history: readonly AddressHistoryEntry[]): AddressHistorySummary {
  const byChange: Partial<Record<AddressChange, ChangeSummary & { seen: Set<string> }>> = {};
  for (const { at, change, entry } of history) {
    const summary = byChange[change] ?? { changes: 0, entries: 0, first: at, last: at, examples: [], seen: new Set<string>() };
    byChange[change] = summary;
    summary.changes++;
    summary.last = at;
    if (summary.seen.has(entry)) continue;
    summary.seen.add(entry);
    summary.entries++;
    if (summary.examples.length < HISTORY_EXAMPLES) summary.examples.push(entry);
  }
  const kinds = Object.entries(byChange).map(([change, { seen, ...summary }]) => [change, summary]);
  return {
    changes: history.length,
    ...(history.length > 0 && { first: history[0].at, last: history[history.length - 1].at }),
    byChange: Object.fromEntries(kinds),
    recent: history.slice(-HISTORY_LINES),
  };
}
