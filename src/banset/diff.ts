/**
 * The difference between two ban sets as exact prefixes: what a device must add and remove to
 * go from `before` to `after`. Both inputs are sorted, so this is one merge walk.
 */
import { comparePrefixes, type Prefix } from './address.js';
import type { BanSet } from './banset.js';

export interface BanDiff {
  readonly added: Prefix[];
  readonly removed: Prefix[];
}

/** A diff that lists at most a few prefixes each way and counts the rest. */
export interface DiffSummary extends BanDiff {
  readonly addedCount: number;
  readonly removedCount: number;
}

export function diffBanSets(before: BanSet, after: BanSet): BanDiff {
  const { added, removed } = summarizeDiff(before, after, Number.POSITIVE_INFINITY);
  return { added, removed };
}

/**
 * The diff with at most `listed` prefixes kept each way: a history line about a million-entry
 * change keeps a few examples, and the walk holds no more than that (what it skips is garbage a
 * young-generation scavenge takes at once, so a large sync does not grow the old generation).
 */
export function summarizeDiff(before: BanSet, after: BanSet, listed: number): DiffSummary {
  const added: Prefix[] = [];
  const removed: Prefix[] = [];
  let addedCount = 0;
  let removedCount = 0;
  const left = before.prefixes();
  const right = after.prefixes();
  let a = left.next();
  let b = right.next();
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : comparePrefixes(a.value, b.value);
    if (order < 0) {
      if (removedCount++ < listed) removed.push(a.value as Prefix);
      a = left.next();
    } else if (order > 0) {
      if (addedCount++ < listed) added.push(b.value as Prefix);
      b = right.next();
    } else {
      a = left.next();
      b = right.next();
    }
  }
  return { added, removed, addedCount, removedCount };
}

export function isEmptyDiff(diff: BanDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0;
}
