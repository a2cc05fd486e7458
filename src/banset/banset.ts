/**
 * BanSet: an immutable, sorted, de-duplicated set of IPv4 and IPv6 prefixes. Every writer,
 * transport and guard works on this one type. Order is numeric, IPv4 before IPv6, so output and
 * diffs are stable across runs and replicas.
 */
import type { Family, Prefix, Prefix4, Prefix6 } from './address.js';
import { prefixRange4, prefixRange6 } from './address.js';
import {
  aggregateColumn, createColumn4, createColumn6, findCovering, subtractColumn,
  type Column, type Column4, type Column6,
} from './column.js';

export type FamilyFilter = 'v4' | 'v6' | 'both';

export interface BanCounts { v4: number; v6: number; total: number }

export class BanSet {
  static readonly EMPTY = new BanSet(createColumn4([], []), createColumn6([], []));

  private constructor(private readonly v4: Column4, private readonly v6: Column6) {}

  /** @internal Used by createBanSet; callers build sets through that function. */
  static fromColumns(v4: Column4, v6: Column6): BanSet {
    return new BanSet(v4, v6);
  }

  get size(): number {
    return this.v4.networks.length + this.v6.networks.length;
  }

  counts(): BanCounts {
    return { v4: this.v4.networks.length, v6: this.v6.networks.length, total: this.size };
  }

  /** Prefixes in canonical order; `families` narrows to one family. */
  *prefixes(families: FamilyFilter = 'both'): IterableIterator<Prefix> {
    if (families !== 'v6') {
      const { networks, lengths } = this.v4;
      for (let i = 0; i < networks.length; i++) yield { family: 4, network: networks[i], length: lengths[i] };
    }
    if (families !== 'v4') {
      const { networks, lengths } = this.v6;
      for (let i = 0; i < networks.length; i++) yield { family: 6, network: networks[i], length: lengths[i] };
    }
  }

  toArray(families: FamilyFilter = 'both'): Prefix[] {
    return [...this.prefixes(families)];
  }

  only(families: FamilyFilter): BanSet {
    if (families === 'both') return this;
    return families === 'v4' ? new BanSet(this.v4, BanSet.EMPTY.v6) : new BanSet(BanSet.EMPTY.v4, this.v6);
  }

  /** The minimal set of CIDRs that covers exactly the same addresses. */
  aggregate(): BanSet {
    return new BanSet(aggregateColumn(this.v4), aggregateColumn(this.v6));
  }

  /** Removes every address in `allowed`; a ban that covers an allowed address is split around it. */
  subtract(allowed: Iterable<Prefix>): BanSet {
    const holes4: [number, number][] = [];
    const holes6: [bigint, bigint][] = [];
    for (const p of allowed) {
      if (p.family === 4) holes4.push(prefixRange4(p));
      else holes6.push(prefixRange6(p));
    }
    return new BanSet(subtractColumn(this.v4, holes4), subtractColumn(this.v6, holes6));
  }

  /** The ban that covers `prefix` entirely, if any. */
  covering(prefix: Prefix): Prefix | undefined {
    if (prefix.family === 4) {
      const [start, end] = prefixRange4(prefix);
      return prefixAt(this.v4, findCovering(this.v4, start, end), 4) as Prefix4 | undefined;
    }
    const [start, end] = prefixRange6(prefix);
    return prefixAt(this.v6, findCovering(this.v6, start, end), 6) as Prefix6 | undefined;
  }

  equals(other: BanSet): boolean {
    return sameColumn(this.v4, other.v4) && sameColumn(this.v6, other.v6);
  }
}

function prefixAt(column: Column<number> | Column<bigint>, index: number, family: Family): Prefix | undefined {
  if (index < 0) return undefined;
  return { family, network: column.networks[index], length: column.lengths[index] } as Prefix;
}

function sameColumn<N extends number | bigint>(a: Column<N>, b: Column<N>): boolean {
  if (a.networks.length !== b.networks.length) return false;
  for (let i = 0; i < a.networks.length; i++) {
    if (a.networks[i] !== b.networks[i] || a.lengths[i] !== b.lengths[i]) return false;
  }
  return true;
}

export interface CreateBanSetOptions {
  /** Merge adjacent and overlapping prefixes into the minimal CIDR list (default false). */
  aggregate?: boolean;
}

/** Builds a normalized BanSet from prefixes in any order, with duplicates and covered entries removed. */
export function createBanSet(prefixes: Iterable<Prefix>, options: CreateBanSetOptions = {}): BanSet {
  const v4Networks: number[] = [];
  const v4Lengths: number[] = [];
  const v6Networks: bigint[] = [];
  const v6Lengths: number[] = [];
  for (const p of prefixes) {
    if (p.family === 4) { v4Networks.push(p.network); v4Lengths.push(p.length); }
    else { v6Networks.push(p.network); v6Lengths.push(p.length); }
  }
  const set = BanSet.fromColumns(createColumn4(v4Networks, v4Lengths), createColumn6(v6Networks, v6Lengths));
  return options.aggregate ? set.aggregate() : set;
}
