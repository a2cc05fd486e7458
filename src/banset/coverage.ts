/**
 * How much of a queried network a set bans (`check 198.18.0.0/24`): covered by one entry,
 * partly (how many of its addresses, through which entries inside it), or not at all. Address
 * counts are bigints: an IPv6 /64 holds 2^64 addresses.
 */
import { prefixRange4, prefixRange6, type Prefix } from './address.js';
import type { BanSet } from './banset.js';
import { mergeRanges, V4_OPS, V6_OPS, type Range } from './range.js';

export type Coverage = 'covered' | 'partly-covered' | 'not-listed';

export interface CoverageAnswer {
  coverage: Coverage;
  /** The entry that covers the whole query (coverage `covered`). */
  coveredBy?: Prefix;
  /** Entries inside the query, in order (coverage `partly-covered`). */
  inside: Prefix[];
  /** Addresses in the query, and how many of them the set bans. */
  addresses: bigint;
  banned: bigint;
}

export function coverageOf(bans: BanSet, query: Prefix): CoverageAnswer {
  const addresses = 1n << BigInt((query.family === 4 ? 32 : 128) - query.length);
  const coveredBy = bans.covering(query);
  if (coveredBy !== undefined) return { coverage: 'covered', coveredBy, inside: [], addresses, banned: addresses };
  // Two prefixes nest or are disjoint: what overlaps the query without covering it lies inside it.
  const inside = [...bans.prefixes(query.family === 4 ? 'v4' : 'v6')].filter((p) => overlaps(p, query));
  const banned = countAddresses(inside);
  return { coverage: banned > 0n ? 'partly-covered' : 'not-listed', inside, addresses, banned };
}

/** True when the two prefixes share an address (one holds the other). */
export function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family === 4 && b.family === 4) {
    const [a0, a1] = prefixRange4(a);
    const [b0, b1] = prefixRange4(b);
    return a0 <= b1 && b0 <= a1;
  }
  if (a.family === 6 && b.family === 6) {
    const [a0, a1] = prefixRange6(a);
    const [b0, b1] = prefixRange6(b);
    return a0 <= b1 && b0 <= a1;
  }
  return false;
}

/** Distinct addresses in the prefixes (merged first, so nested or repeated entries count once). */
function countAddresses(prefixes: readonly Prefix[]): bigint {
  const v4: Range<number>[] = [];
  const v6: Range<bigint>[] = [];
  for (const p of prefixes) {
    if (p.family === 4) v4.push(prefixRange4(p));
    else v6.push(prefixRange6(p));
  }
  let total = 0n;
  for (const [start, end] of mergeRanges(V4_OPS, v4)) total += BigInt(end - start + 1);
  for (const [start, end] of mergeRanges(V6_OPS, v6)) total += end - start + 1n;
  return total;
}
