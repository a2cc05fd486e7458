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

export function diffBanSets(before: BanSet, after: BanSet): BanDiff {
  const added: Prefix[] = [];
  const removed: Prefix[] = [];
  const left = before.prefixes();
  const right = after.prefixes();
  let a = left.next();
  let b = right.next();
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : comparePrefixes(a.value, b.value);
    if (order < 0) {
      removed.push(a.value as Prefix);
      a = left.next();
    } else if (order > 0) {
      added.push(b.value as Prefix);
      b = right.next();
    } else {
      a = left.next();
      b = right.next();
    }
  }
  return { added, removed };
}

export function isEmptyDiff(diff: BanDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0;
}
