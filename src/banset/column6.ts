/**
 * The IPv6 column: prefixes as four words each (words128.ts) plus a length, sorted (network,
 * then length), without duplicates or covered prefixes. The common case (entries that neither
 * touch a neighbour nor an allowlisted range) runs on the words alone; the rare ranges that must
 * be re-cut into CIDRs go through BigInt and the shared range code, so both families keep one
 * algorithm for that.
 */
import { mergeRanges, rangeToPrefixes, subtractHoles, V6_OPS, type Range } from './range.js';
import { growableUint32, growableUint8 } from './growable.js';
import { radixOrder6 } from './radix-sort.js';
import { blockEnd128, compare128, fromBigInt128, isSuccessor128, toBigInt128, WORDS6 } from './words128.js';

export interface Column6 {
  /** Four words per prefix, most significant first. */
  readonly words: Uint32Array;
  readonly lengths: Uint8Array;
}

const END = new Uint32Array(WORDS6);

/** Sorts and normalizes; prefixes shorter than `minLength` are skipped. Leaves the input as it is. */
export function createColumn6(words: Uint32Array, lengths: Uint8Array, minLength = 0, keepCovered = false): Column6 {
  const order = sortOrder6(words, lengths);
  const outWords = new Uint32Array(words.length);
  const outLengths = new Uint8Array(lengths.length);
  let kept = 0;
  for (let r = 0; r < lengths.length; r++) {
    const i = order === undefined ? r : order[r];
    const length = lengths[i];
    if (length < minLength || (kept > 0 && isRedundant(words, i, length, outWords, outLengths, kept, keepCovered))) continue;
    for (let k = 0; k < WORDS6; k++) outWords[kept * WORDS6 + k] = words[i * WORDS6 + k];
    outLengths[kept++] = length;
  }
  return { words: outWords.subarray(0, kept * WORDS6), lengths: outLengths.subarray(0, kept) };
}

/** A duplicate of the last kept prefix, or (unless `keepCovered`) inside it. */
function isRedundant(
  words: Uint32Array,
  i: number,
  length: number,
  kept: Uint32Array,
  keptLengths: Uint8Array,
  count: number,
  keepCovered: boolean,
) {
  const last = (count - 1) * WORDS6;
  if (keepCovered) return keptLengths[count - 1] === length && compare128(words, i * WORDS6, kept, last) === 0;
  blockEnd128(kept, last, keptLengths[count - 1], END, 0);
  return compare128(words, i * WORDS6, END, 0) <= 0;
}

/** Below this many entries a comparison sort costs less than the radix sort's sixteen counted passes. */
const RADIX_FROM = 2048;

/** The sorted order of the entries, or undefined when they already are (lists often come sorted). */
function sortOrder6(words: Uint32Array, lengths: Uint8Array): Uint32Array | undefined {
  const compare = (a: number, b: number) => compare128(words, a * WORDS6, words, b * WORDS6) || lengths[a] - lengths[b];
  let sorted = true;
  for (let i = 1; i < lengths.length && sorted; i++) sorted = compare(i - 1, i) <= 0;
  if (sorted) return undefined;
  if (lengths.length >= RADIX_FROM) return radixOrder6(words, lengths);
  const order = new Uint32Array(lengths.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort(compare);
}

/** Collects prefixes in order; `bigint` networks come from the rare re-cut ranges. */
function column6Builder(capacity: number) {
  const words = growableUint32(capacity * WORDS6);
  const lengths = growableUint8(capacity);
  return {
    copy(from: Column6, start: number, end: number) {
      words.append(from.words.subarray(start * WORDS6, end * WORDS6));
      lengths.append(from.lengths.subarray(start, end));
    },
    push(network: bigint, length: number) {
      fromBigInt128(network, words.reserve(WORDS6), words.length);
      words.length += WORDS6;
      lengths.push(length);
    },
    done: (): Column6 => ({ words: words.view(), lengths: lengths.view() }),
  };
}

/** The minimal list of CIDRs covering exactly the same addresses (the input when nothing merges). */
export function aggregateColumn6(column: Column6): Column6 {
  const { words, lengths } = column;
  const n = lengths.length;
  let out: ReturnType<typeof column6Builder> | undefined;
  let copied = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    blockEnd128(words, i * WORDS6, lengths[i], END, 0);
    while (j + 1 < n && isSuccessor128(words, (j + 1) * WORDS6, END, 0)) blockEnd128(words, ++j * WORDS6, lengths[j], END, 0);
    if (j > i) {
      out ??= column6Builder(n);
      out.copy(column, copied, i);
      rangeToPrefixes(V6_OPS, toBigInt128(words, i * WORDS6), toBigInt128(END, 0), out.push);
      copied = j + 1;
    }
    i = j + 1;
  }
  if (out === undefined) return column;
  out.copy(column, copied, n);
  return out.done();
}

/**
 * Removes every address covered by `holes`, splitting a prefix around the holes inside it;
 * `hits` counts the prefixes removed or split. Returns the input itself when nothing is hit.
 */
export function subtractColumn6(column: Column6, holes: Range<bigint>[]): { column: Column6; hits: number } {
  const { words, lengths } = column;
  if (holes.length === 0 || lengths.length === 0) return { column, hits: 0 };
  const merged = mergeRanges(V6_OPS, holes);
  const bounds = new Uint32Array(merged.length * 2 * WORDS6);
  merged.forEach(([start, end], h) => {
    fromBigInt128(start, bounds, h * 2 * WORDS6);
    fromBigInt128(end, bounds, h * 2 * WORDS6 + WORDS6);
  });
  let out: ReturnType<typeof column6Builder> | undefined;
  let copied = 0;
  let hits = 0;
  let h = 0;
  for (let i = 0; i < lengths.length; i++) {
    while (h < merged.length && compare128(bounds, h * 2 * WORDS6 + WORDS6, words, i * WORDS6) < 0) h++;
    blockEnd128(words, i * WORDS6, lengths[i], END, 0);
    if (h >= merged.length || compare128(bounds, h * 2 * WORDS6, END, 0) > 0) continue;
    hits++;
    out ??= column6Builder(lengths.length + 64);
    out.copy(column, copied, i);
    copied = i + 1;
    subtractHoles(V6_OPS, merged, h, toBigInt128(words, i * WORDS6), toBigInt128(END, 0), out.push);
  }
  if (out === undefined) return { column, hits: 0 };
  out.copy(column, copied, lengths.length);
  return { column: out.done(), hits };
}

/** Index of the prefix that contains [start, end], or -1. Binary search on the sorted column. */
export function findCovering6(column: Column6, start: bigint, end: bigint): number {
  const query = new Uint32Array(2 * WORDS6);
  fromBigInt128(start, query, 0);
  fromBigInt128(end, query, WORDS6);
  let low = 0;
  let high = column.lengths.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (compare128(column.words, mid * WORDS6, query, 0) <= 0) low = mid + 1;
    else high = mid - 1;
  }
  if (high < 0) return -1;
  blockEnd128(column.words, high * WORDS6, column.lengths[high], END, 0);
  return compare128(END, 0, query, WORDS6) >= 0 ? high : -1;
}

export function network6(column: Column6, index: number): bigint {
  return toBigInt128(column.words, index * WORDS6);
}

/** A column from prefixes as other modules hold them (bigint networks). */
export function column6FromPrefixes(prefixes: readonly { network: bigint; length: number }[], minLength = 0, keepCovered = false): Column6 {
  const words = new Uint32Array(prefixes.length * WORDS6);
  for (let i = 0; i < prefixes.length; i++) fromBigInt128(prefixes[i].network, words, i * WORDS6);
  return createColumn6(
    words,
    Uint8Array.from(prefixes, (p) => p.length),
    minLength,
    keepCovered,
  );
}
