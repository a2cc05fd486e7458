/**
 * The cursor behind the APIBAN-compatible mirror. APIBAN hands out bans oldest first, 250 per
 * page, and each answer's `ID` (a Unix timestamp string) is the cursor for the next call; `100`
 * means "from the beginning" and "nothing newer" is 400 with `ID: "none"` (https://apiban.org/doc.html).
 *
 * The local set carries no per-address times, so the mirror numbers entries itself: each entry
 * gets an increasing integer when it first appears in the served set and keeps it while it stays.
 * An ID is never given twice, not even the one of an entry since removed (a client's cursor may
 * be that ID): an address that leaves and returns is new again, after every cursor it had.
 * The numbers start just above the time this process first published, so a cursor a client kept
 * from an earlier run is normally smaller and pages through the whole list again instead of
 * missing entries (re-sending an address is harmless for every APIBAN consumer, losing one is
 * not). Limit: a restart sooner than (entries) seconds after the previous start can leave an old
 * cursor inside the new range; such a client catches up at its next full reload.
 * Every index is immutable; a new set yields a new index, swapped with the snapshot.
 *
 * What it lists is the published set, but for bans that only the edge found (`edge:<client>`,
 * src/ingest) unless `serve.mirror.includeEdge`: those are the operator's to share. An edge ban
 * that expires or is removed leaves the index as any other removal does.
 */
import { formatPrefix, type Prefix } from '../../banset/address.js';
import type { BanSet } from '../../banset/banset.js';
import type { PublishedSet } from '../../sync/published-set.js';

export const PAGE_SIZE = 250;
export const FROM_START = '100';

export interface MirrorIndex {
  /** The bans listed. */
  readonly bans: BanSet;
  /** Entries in cursor order. */
  readonly entries: readonly string[];
  readonly ids: readonly number[];
  readonly idOf: ReadonlyMap<string, number>;
  /** The highest ID handed out so far, its entry listed or not: an ID is never given twice, as a client's cursor may be one. */
  readonly lastIssued: number;
}

export type MirrorPage = { ips: string[]; id: string } | undefined;

/** The bans the mirror lists from a published set. */
export function mirroredBans(set: PublishedSet, includeEdge: boolean): BanSet {
  return includeEdge ? set.bans : (set.bansWithoutEdge ?? set.bans);
}

export function advanceMirrorIndex(previous: MirrorIndex | undefined, bans: BanSet, now: number): MirrorIndex {
  const wanted = new Set<string>();
  for (const prefix of bans.prefixes()) wanted.add(formatPrefix(prefix));
  const entries: string[] = [];
  const ids: number[] = [];
  for (let i = 0; i < (previous?.entries.length ?? 0); i++) {
    const entry = (previous as MirrorIndex).entries[i];
    if (!wanted.delete(entry)) continue;
    entries.push(entry);
    ids.push((previous as MirrorIndex).ids[i]);
  }
  let lastIssued = Math.max(previous?.lastIssued ?? 0, Math.floor(now / 1000));
  for (const entry of wanted) {
    entries.push(entry);
    ids.push(++lastIssued);
  }
  return { bans, entries, ids, idOf: new Map(entries.map((entry, i) => [entry, ids[i]])), lastIssued };
}

/**
 * The page after `cursor`; undefined when the client is caught up. APIBAN's IDs are numbers:
 * any other cursor gets APIBAN's "no new bans" answer too (never the first page, which would
 * hand a confused client the whole list on every poll).
 */
export function pageAfter(index: MirrorIndex, cursor: string | undefined): MirrorPage {
  if (cursor !== undefined && cursor !== FROM_START && !/^\d{1,15}$/.test(cursor)) return undefined;
  const after = cursor === undefined || cursor === FROM_START ? -Infinity : Number(cursor);
  let low = 0;
  let high = index.ids.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (index.ids[middle] <= after) low = middle + 1;
    else high = middle;
  }
  if (low >= index.ids.length) return undefined;
  const end = Math.min(low + PAGE_SIZE, index.ids.length);
  return { ips: index.entries.slice(low, end), id: String(index.ids[end - 1]) };
}

/** The mirror ID of the listed ban covering `prefix`, if there is one. */
export function listedId(index: MirrorIndex, prefix: Prefix): number | undefined {
  const covering = index.bans.covering(prefix);
  return covering === undefined ? undefined : index.idOf.get(formatPrefix(covering));
}
