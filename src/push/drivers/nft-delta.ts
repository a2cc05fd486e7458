/**
 * What linux-nftables needs to send only the difference: the kernel's elements as it lists them
 * (`nft -j list table`, libnftables-json(5)), whether the sets are ones this driver manages, and
 * which elements to delete and which prefixes to add.
 *
 * nft deletes an element only as the kernel holds it (a merged interval cannot lose one address,
 * "element does not exist", nft 1.0.6 tested). So every kernel element that covers an address no
 * longer wanted is deleted whole, and the wanted prefixes it covered are added back in the same
 * transaction; auto-merge folds them into the neighbours again.
 */
import { formatAddress, formatPrefix, parsePrefix, prefixRange4, prefixRange6, type Prefix } from '../../banset/address.js';
import { createExactBanSet, type BanSet } from '../../banset/banset.js';
import type { BanDiff } from '../../banset/diff.js';

/** One element of a live set: the text nft takes back in `delete element`, and the addresses it covers. */
export interface NftElement {
  text: string;
  family: 4 | 6;
  first: bigint;
  last: bigint;
  prefixes: Prefix[];
}

/** The live sets' elements, and why only the full refill is right when it is. */
export interface LiveNftSets {
  elements: NftElement[];
  refill?: string | undefined;
}

interface JsonSet {
  name?: string;
  type?: string;
  flags?: unknown;
  elem?: unknown[];
}

/** Reads both sets of an `nft -j list table` answer; `split` turns a range into CIDRs. */
export function readNftSets(
  text: string,
  names: { v4: string; v6: string },
  split: (first: Prefix, last: Prefix) => Prefix[],
): LiveNftSets {
  const document = JSON.parse(text) as { nftables?: { set?: JsonSet }[] };
  if (!Array.isArray(document.nftables)) throw new Error('no "nftables" array');
  const sets = document.nftables.flatMap((item) => (item.set === undefined ? [] : [item.set]));
  const elements: NftElement[] = [];
  let refill: string | undefined;
  for (const [name, type] of [
    [names.v4, 'ipv4_addr'],
    [names.v6, 'ipv6_addr'],
  ] as const) {
    const set = sets.find((s) => s.name === name);
    if (set === undefined) {
      refill ??= `set ${name} is missing`;
      continue;
    }
    // The writer declares exactly `flags interval` (plus auto-merge, which the JSON does not show).
    const managed = set.type === type && Array.isArray(set.flags) && set.flags.length === 1 && set.flags[0] === 'interval';
    if (!managed) refill ??= `set ${name} was not created by this driver (${set.type}, flags ${JSON.stringify(set.flags ?? [])})`;
    for (const item of set.elem ?? []) {
      const wrapped = (item as { elem?: { val: unknown } })?.elem;
      // `{elem: {val, timeout, counter ...}}`: a set with per-element state, which the writer never makes.
      if (wrapped !== undefined) refill ??= `set ${name} has elements with timeouts, counters or comments`;
      elements.push(readElement(wrapped === undefined ? item : wrapped.val, split));
    }
  }
  return { elements, refill };
}

function readElement(item: unknown, split: (first: Prefix, last: Prefix) => Prefix[]): NftElement {
  const object = item as { prefix?: { addr: string; len: number }; range?: [string, string] };
  if (typeof item === 'string') return element(formatPrefix(parsePrefix(item)), [parsePrefix(item)]);
  if (object?.prefix !== undefined) {
    const prefix = parsePrefix(`${object.prefix.addr}/${object.prefix.len}`);
    return element(formatPrefix(prefix, true), [prefix]);
  }
  if (Array.isArray(object?.range) && object.range.length === 2) {
    const [first, last] = object.range.map((a) => parsePrefix(a));
    // Built from parsed addresses, never from the listed text: nothing unvalidated reaches nft.
    return element(`${formatAddress(first)}-${formatAddress(last)}`, split(first, last));
  }
  throw new Error(`element ${JSON.stringify(item).slice(0, 60)} is not an address, prefix or range`);
}

function element(text: string, prefixes: Prefix[]): NftElement {
  return { text, family: prefixes[0].family, first: bounds(prefixes[0])[0], last: bounds(prefixes[prefixes.length - 1])[1], prefixes };
}

function bounds(p: Prefix): [bigint, bigint] {
  if (p.family === 6) return prefixRange6(p);
  const [first, last] = prefixRange4(p);
  return [BigInt(first), BigInt(last)];
}

/**
 * The elements to delete (every one covering a removed prefix) and the prefixes to add (the new
 * ones and the wanted ones a deleted element covered), both computed from the aggregated diff.
 */
export function nftChanges(
  elements: readonly NftElement[],
  diff: BanDiff,
  wanted: BanSet,
): { remove: { v4: string[]; v6: string[] }; add: BanSet } {
  const removed = ranges(diff.removed);
  const deleted = elements.filter((e) => overlaps(removed, e.family, e.first, e.last));
  const gone = ranges(deleted.flatMap((e) => e.prefixes));
  const readd = wanted.toArray().filter((p) => {
    const [a, b] = bounds(p);
    return overlaps(gone, p.family, a, b);
  });
  return {
    remove: { v4: deleted.filter((e) => e.family === 4).map((e) => e.text), v6: deleted.filter((e) => e.family === 6).map((e) => e.text) },
    add: createExactBanSet([...diff.added, ...readd]),
  };
}

type Ranges = Record<4 | 6, [bigint, bigint][]>;

function ranges(prefixes: readonly Prefix[]): Ranges {
  const out: Ranges = { 4: [], 6: [] };
  for (const p of prefixes) out[p.family].push(bounds(p));
  for (const list of Object.values(out)) list.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return out;
}

/** True when [first, last] meets a range of the sorted, disjoint list (binary search). */
function overlaps(sorted: Ranges, family: 4 | 6, first: bigint, last: bigint): boolean {
  const list = sorted[family];
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid][1] < first) low = mid + 1;
    else high = mid;
  }
  return low < list.length && list[low][0] <= last;
}
