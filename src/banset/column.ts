/**
 * One address family's prefixes, held column-wise (networks + lengths) so a million IPv4 entries
 * are two typed arrays rather than a million objects. A column is always sorted (network, then
 * length) and free of duplicates and of prefixes covered by another one.
 */
import { mergeRanges, rangeToPrefixes, subtractRanges, V4_OPS, V6_OPS, type Range, type RangeOps } from './range.js';

export interface Column<N extends number | bigint> {
  readonly ops: RangeOps<N>;
  readonly networks: ArrayLike<N>;
  readonly lengths: Uint8Array;
}

export type Column4 = Column<number>;
export type Column6 = Column<bigint>;

/** Builds a normalized IPv4 column; sorts by packing (network, length) into one float64 key. */
export function createColumn4(networks: ArrayLike<number>, lengths: ArrayLike<number>): Column4 {
  const keys = new Float64Array(networks.length);
  for (let i = 0; i < keys.length; i++) keys[i] = networks[i] * 64 + lengths[i];
  keys.sort();
  const sortedNetworks = new Uint32Array(keys.length);
  const sortedLengths = new Uint8Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const length = keys[i] % 64;
    sortedNetworks[i] = (keys[i] - length) / 64;
    sortedLengths[i] = length;
  }
  return dropCovered({ ops: V4_OPS, networks: sortedNetworks, lengths: sortedLengths }, (n) => new Uint32Array(n));
}

export function createColumn6(networks: ArrayLike<bigint>, lengths: ArrayLike<number>): Column6 {
  const order = Array.from({ length: networks.length }, (_, i) => i);
  order.sort((a, b) => (networks[a] < networks[b] ? -1 : networks[a] > networks[b] ? 1 : lengths[a] - lengths[b]));
  return dropCovered(
    { ops: V6_OPS, networks: order.map((i) => networks[i]), lengths: Uint8Array.from(order, (i) => lengths[i]) },
    (n) => new Array<bigint>(n),
  );
}

/** Sorted input: a prefix inside the last kept one (or equal to it) is dropped. */
function dropCovered<N extends number | bigint>(
  column: Column<N>, allocate: (n: number) => { [i: number]: N; length: number },
): Column<N> {
  const { ops, networks, lengths } = column;
  const keptNetworks = allocate(networks.length);
  const keptLengths = new Uint8Array(networks.length);
  let kept = 0;
  let lastEnd: N | undefined;
  for (let i = 0; i < networks.length; i++) {
    if (lastEnd !== undefined && networks[i] <= lastEnd) continue;
    keptNetworks[kept] = networks[i];
    keptLengths[kept] = lengths[i];
    lastEnd = ops.blockEnd(networks[i], lengths[i]);
    kept++;
  }
  if (kept === networks.length) return column;
  return { ops, networks: slice(keptNetworks, kept), lengths: keptLengths.slice(0, kept) };
}

function slice<N>(values: { [i: number]: N; length: number }, count: number): ArrayLike<N> {
  return (values as unknown as { slice(start: number, end: number): ArrayLike<N> }).slice(0, count);
}

export function rangeAt<N extends number | bigint>(column: Column<N>, i: number): Range<N> {
  return [column.networks[i], column.ops.blockEnd(column.networks[i], column.lengths[i])];
}

/** Collects pieces into a new column of the same family (input order is kept: callers emit sorted). */
function collector<N extends number | bigint>(column: Column<N>) {
  const networks: N[] = [];
  const lengths: number[] = [];
  return {
    push: (network: N, length: number) => { networks.push(network); lengths.push(length); },
    keep: (i: number) => { networks.push(column.networks[i]); lengths.push(column.lengths[i]); },
    done: (): Column<N> => ({
      ops: column.ops,
      networks: column.ops === (V4_OPS as RangeOps<N>) ? (Uint32Array.from(networks as number[]) as unknown as ArrayLike<N>) : networks,
      lengths: Uint8Array.from(lengths),
    }),
  };
}

/** The minimal list of CIDRs covering exactly the same addresses. */
export function aggregateColumn<N extends number | bigint>(column: Column<N>): Column<N> {
  const out = collector(column);
  let i = 0;
  while (i < column.networks.length) {
    const [start] = rangeAt(column, i);
    let [, end] = rangeAt(column, i);
    while (i + 1 < column.networks.length && column.networks[i + 1] === column.ops.inc(end)) {
      i++;
      end = rangeAt(column, i)[1];
    }
    rangeToPrefixes(column.ops, start, end, out.push);
    i++;
  }
  return out.done();
}

/** Removes every address covered by `holes`, splitting a prefix around the holes inside it. */
export function subtractColumn<N extends number | bigint>(column: Column<N>, holes: Range<N>[]): Column<N> {
  if (holes.length === 0 || column.networks.length === 0) return column;
  const out = collector(column);
  subtractRanges(column.ops, column.networks.length, (i) => rangeAt(column, i), mergeRanges(column.ops, holes), out.keep,
    (start, end) => rangeToPrefixes(column.ops, start, end, out.push));
  return out.done();
}

/** Index of the prefix that contains [start, end], or -1. Binary search on the sorted column. */
export function findCovering<N extends number | bigint>(column: Column<N>, start: N, end: N): number {
  let low = 0;
  let high = column.networks.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (column.networks[mid] <= start) low = mid + 1;
    else high = mid - 1;
  }
  if (high < 0) return -1;
  return rangeAt(column, high)[1] >= end ? high : -1;
}
