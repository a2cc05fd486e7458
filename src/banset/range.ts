/**
 * Address-range arithmetic shared by both families. IPv4 runs on plain numbers (exact up to 2^53,
 * and fast on the million-entry path); IPv6 runs on bigint. The algorithms are written once
 * against `RangeOps` so the two families cannot drift apart.
 */
export interface RangeOps<N extends number | bigint> {
  readonly bits: number;
  inc(n: N): N;
  dec(n: N): N;
  /** Last address of the block of `2^(bits-length)` addresses starting at `start`. */
  blockEnd(start: N, length: number): N;
  /** True when `start` is a multiple of the block size for `length`. */
  aligned(start: N, length: number): boolean;
}

export const V4_OPS: RangeOps<number> = {
  bits: 32,
  inc: (n) => n + 1,
  dec: (n) => n - 1,
  blockEnd: (start, length) => start + 2 ** (32 - length) - 1,
  aligned: (start, length) => start % 2 ** (32 - length) === 0,
};

export const V6_OPS: RangeOps<bigint> = {
  bits: 128,
  inc: (n) => n + 1n,
  dec: (n) => n - 1n,
  blockEnd: (start, length) => start | ((1n << BigInt(128 - length)) - 1n),
  aligned: (start, length) => (start & ((1n << BigInt(128 - length)) - 1n)) === 0n,
};

export type Range<N> = [start: N, end: N];

/** Calls `emit` with the minimal list of CIDR blocks that exactly cover [start, end], in order. */
export function rangeToPrefixes<N extends number | bigint>(
  ops: RangeOps<N>,
  start: N,
  end: N,
  emit: (network: N, length: number) => void,
): void {
  let cursor = start;
  for (;;) {
    let length = ops.bits;
    while (length > 0 && ops.aligned(cursor, length - 1) && ops.blockEnd(cursor, length - 1) <= end) length--;
    emit(cursor, length);
    const last = ops.blockEnd(cursor, length);
    if (last >= end) return;
    cursor = ops.inc(last);
  }
}

/** Sorts by start and merges overlapping or touching ranges. */
export function mergeRanges<N extends number | bigint>(ops: RangeOps<N>, ranges: Range<N>[]): Range<N>[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: Range<N>[] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= ops.inc(last[1])) {
      if (end > last[1]) last[1] = end;
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/**
 * Emits, as CIDRs in order, the parts of [start, end] outside `merged` (sorted, merged holes),
 * looking from hole `h` on (the first one that does not end before `start`).
 */
export function subtractHoles<N extends number | bigint>(
  ops: RangeOps<N>,
  merged: Range<N>[],
  h: number,
  start: N,
  end: N,
  emit: (network: N, length: number) => void,
): void {
  let cursor: N | undefined = start;
  for (let k = h; cursor !== undefined && k < merged.length && merged[k][0] <= end; k++) {
    if (merged[k][0] > cursor) rangeToPrefixes(ops, cursor, ops.dec(merged[k][0]), emit);
    cursor = merged[k][1] >= end ? undefined : ops.inc(merged[k][1]);
  }
  if (cursor !== undefined) rangeToPrefixes(ops, cursor, end, emit);
}
