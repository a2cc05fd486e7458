/**
 * The IPv4 column: prefixes held column-wise (networks + lengths) so a million entries are two
 * typed arrays rather than a million objects. A column is always sorted (network, then length)
 * and free of duplicates and of prefixes covered by another one. The loops here are the
 * million-entry hot path: no per-entry allocation, and the input comes back when nothing changes.
 */
import { mergeRanges, subtractHoles, V4_OPS, type Range } from './range.js';
import { growableUint32, growableUint8 } from './growable.js';
import { sortColumns4 } from './radix-sort.js';
import { BLOCK4 } from './address.js';

export interface Column4 {
  readonly networks: Uint32Array;
  readonly lengths: Uint8Array;
}

/**
 * Sorts and normalizes prefixes given as columns (left as they are). Prefixes shorter than
 * `minLength` are skipped (the policy's minimum prefix length); `keepCovered` drops only exact
 * duplicates (a set that mirrors what a device holds).
 */
export function createColumn4(networks: Uint32Array, lengths: Uint8Array, minLength = 0, keepCovered = false): Column4 {
  const sorted = sortColumns4(networks, lengths);
  const out =
    sorted.networks === networks ? { networks: new Uint32Array(networks.length), lengths: new Uint8Array(lengths.length) } : sorted;
  let kept = 0;
  let lastEnd = -1;
  for (let i = 0; i < sorted.networks.length; i++) {
    const network = sorted.networks[i];
    const length = sorted.lengths[i];
    const duplicate = kept > 0 && network === out.networks[kept - 1] && length === out.lengths[kept - 1];
    if ((keepCovered ? duplicate : network <= lastEnd) || length < minLength) continue; // equal to or inside the previous prefix
    out.networks[kept] = network;
    out.lengths[kept++] = length;
    lastEnd = network + BLOCK4[length] - 1;
  }
  return { networks: out.networks.subarray(0, kept), lengths: out.lengths.subarray(0, kept) };
}

/** createColumn4 from keys packed as network * 64 + length. */
export function column4FromKeys(keys: ArrayLike<number>, minLength = 0, keepCovered = false): Column4 {
  const networks = new Uint32Array(keys.length);
  const lengths = new Uint8Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    lengths[i] = keys[i] % 64;
    networks[i] = (keys[i] - lengths[i]) / 64;
  }
  return createColumn4(networks, lengths, minLength, keepCovered);
}

/** Largest CIDR that starts at `cursor` and ends at or before `end`, as its prefix length. */
function largestBlock(cursor: number, end: number): number {
  const remaining = end - cursor + 1;
  const sizeBits = remaining >= 2 ** 32 ? 32 : 31 - Math.clz32(remaining);
  const alignBits = cursor === 0 ? 32 : 31 - Math.clz32(cursor & -cursor);
  return 32 - Math.min(sizeBits, alignBits);
}

/**
 * The minimal list of CIDRs covering exactly the same addresses, written into arrays of the
 * input's size: a run of adjacent blocks never needs more CIDRs than the blocks it merges.
 */
export function aggregateColumn4(column: Column4): Column4 {
  const { networks, lengths } = column;
  const n = networks.length;
  const outNetworks = new Uint32Array(n);
  const outLengths = new Uint8Array(n);
  let kept = 0;
  for (let i = 0; i < n; ) {
    const start = networks[i];
    let end = start + BLOCK4[lengths[i]] - 1;
    let j = i;
    while (j + 1 < n && networks[j + 1] === end + 1) end = networks[++j] + BLOCK4[lengths[j]] - 1;
    if (j === i) {
      outNetworks[kept] = start;
      outLengths[kept++] = lengths[i];
    } else {
      for (let cursor = start; cursor <= end; cursor += BLOCK4[outLengths[kept - 1]]) {
        outNetworks[kept] = cursor;
        outLengths[kept++] = largestBlock(cursor, end);
      }
    }
    i = j + 1;
  }
  if (kept === n) return column;
  return { networks: outNetworks.subarray(0, kept), lengths: outLengths.subarray(0, kept) };
}

/**
 * Removes every address covered by `holes`, splitting a prefix around the holes inside it.
 * `hits` counts the prefixes that were removed or split (for the policy report). The prefixes a
 * hole touches are found by binary search, and the output is built only when there are any: the
 * usual million-entry list touches no protected range at all.
 */
export function subtractColumn4(column: Column4, holes: Range<number>[]): { column: Column4; hits: number } {
  const { networks, lengths } = column;
  if (holes.length === 0 || networks.length === 0) return { column, hits: 0 };
  const merged = mergeRanges(V4_OPS, holes);
  const hit = touchedIndexes(column, merged);
  if (hit.length === 0) return { column, hits: 0 };
  const out = { networks: growableUint32(networks.length + 64), lengths: growableUint8(networks.length + 64) };
  const emit = (network: number, length: number) => {
    out.networks.push(network);
    out.lengths.push(length);
  };
  let copied = 0;
  let h = 0;
  for (const i of hit) {
    out.networks.append(networks.subarray(copied, i));
    out.lengths.append(lengths.subarray(copied, i));
    copied = i + 1;
    while (merged[h][1] < networks[i]) h++;
    subtractHoles(V4_OPS, merged, h, networks[i], networks[i] + BLOCK4[lengths[i]] - 1, emit);
  }
  out.networks.append(networks.subarray(copied));
  out.lengths.append(lengths.subarray(copied));
  return { column: { networks: out.networks.view(), lengths: out.lengths.view() }, hits: hit.length };
}

/** Indexes of the prefixes that share an address with a hole, ascending (holes sorted and merged). */
function touchedIndexes({ networks, lengths }: Column4, merged: Range<number>[]): number[] {
  const hit: number[] = [];
  for (const [start, end] of merged) {
    // The last prefix starting at or before the hole may reach into it; ends are sorted like starts.
    let i = Math.max(0, firstAbove(networks, start) - 1);
    if (networks[i] + BLOCK4[lengths[i]] - 1 < start) i++;
    for (; i < networks.length && networks[i] <= end; i++) if (hit[hit.length - 1] !== i) hit.push(i);
  }
  return hit;
}

/** Index of the first network above `value` (networks.length when none is). */
function firstAbove(networks: Uint32Array, value: number): number {
  let low = 0;
  let high = networks.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (networks[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index of the prefix that contains [start, end], or -1. Binary search on the sorted column. */
export function findCovering4(column: Column4, start: number, end: number): number {
  const index = firstAbove(column.networks, start) - 1;
  if (index < 0) return -1;
  return column.networks[index] + BLOCK4[column.lengths[index]] - 1 >= end ? index : -1;
}
