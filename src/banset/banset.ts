/**
 * BanSet: an immutable, sorted, de-duplicated set of IPv4 and IPv6 prefixes. Every writer,
 * transport and guard works on this one type. Order is numeric, IPv4 before IPv6, so output and
 * diffs are stable across runs and replicas.
 */
import type { Prefix, Prefix6 } from './address.js';
import { prefixRange4, prefixRange6 } from './address.js';
import { aggregateColumn4, column4FromKeys, createColumn4, findCovering4, subtractColumn4, type Column4 } from './column.js';
import { aggregateColumn6, column6FromPrefixes, createColumn6, findCovering6, network6, subtractColumn6, type Column6 } from './column6.js';
import { formatColumnsBytes, formatColumnsText, type TextStyle } from './column-text.js';

export type { TextStyle } from './column-text.js';

export type FamilyFilter = 'v4' | 'v6' | 'both';

/** A BanSet's columns as plain data (what postMessage can copy). */
export interface TransferredBanSet {
  v4: { networks: Uint32Array; lengths: Uint8Array };
  /** Four 32-bit words per IPv6 network, most significant first. */
  v6: { words: Uint32Array; lengths: Uint8Array };
}

export interface BanCounts {
  v4: number;
  v6: number;
  total: number;
}

/** Unsorted prefixes as parsed: IPv4 networks and lengths, IPv6 as four words and a length each. */
export interface RawColumns {
  v4: { networks: Uint32Array; lengths: Uint8Array };
  v6: { words: Uint32Array; lengths: Uint8Array };
}

export class BanSet {
  static readonly EMPTY = new BanSet(
    createColumn4(new Uint32Array(0), new Uint8Array(0)),
    createColumn6(new Uint32Array(0), new Uint8Array(0)),
  );

  private constructor(
    private readonly v4: Column4,
    private readonly v6: Column6,
  ) {}

  /**
   * @internal Builds a set from parsed, unsorted columns, skipping prefixes shorter than the
   * given minimum lengths. The input arrays are left as they are.
   */
  static fromRaw(raw: RawColumns, minLength = { v4: 0, v6: 0 }): BanSet {
    return new BanSet(
      createColumn4(raw.v4.networks, raw.v4.lengths, minLength.v4),
      createColumn6(raw.v6.words, raw.v6.lengths, minLength.v6),
    );
  }

  /** @internal */
  static fromColumns(v4: Column4, v6: Column6): BanSet {
    return new BanSet(v4, v6);
  }

  /** @internal Builds a set from packed IPv4 keys (network * 64 + length) and IPv6 prefixes. */
  static fromPacked(v4Keys: ArrayLike<number>, v6: readonly Prefix6[], minLength = { v4: 0, v6: 0 }): BanSet {
    return new BanSet(column4FromKeys(v4Keys, minLength.v4), column6FromPrefixes(v6, minLength.v6));
  }

  /**
   * @internal The raw columns, for copying a set to a worker thread (structured clone keeps the
   * typed arrays); `fromTransfer` rebuilds the set there without re-sorting.
   */
  toTransfer(): TransferredBanSet {
    return { v4: { networks: this.v4.networks, lengths: this.v4.lengths }, v6: { words: this.v6.words, lengths: this.v6.lengths } };
  }

  /** @internal The inverse of toTransfer: the columns are already normalized. */
  static fromTransfer(columns: TransferredBanSet): BanSet {
    return new BanSet(columns.v4, columns.v6);
  }

  get size(): number {
    return this.v4.networks.length + this.v6.lengths.length;
  }

  counts(): BanCounts {
    return { v4: this.v4.networks.length, v6: this.v6.lengths.length, total: this.size };
  }

  /** Prefixes in canonical order; `families` narrows to one family. */
  *prefixes(families: FamilyFilter = 'both'): IterableIterator<Prefix> {
    if (families !== 'v6') {
      const { networks, lengths } = this.v4;
      for (let i = 0; i < networks.length; i++) yield { family: 4, network: networks[i], length: lengths[i] };
    }
    if (families !== 'v4') {
      for (let i = 0; i < this.v6.lengths.length; i++) yield { family: 6, network: network6(this.v6, i), length: this.v6.lengths[i] };
    }
  }

  toArray(families: FamilyFilter = 'both'): Prefix[] {
    return [...this.prefixes(families)];
  }

  /**
   * Every entry on its own LF-terminated line, in canonical order: the fast path for writers.
   * `style` adds a line prefix/suffix, Cisco's `host` word and netmasks, or explicit host lengths;
   * `true` is short for `{ explicitLength: true }`.
   */
  text(families: FamilyFilter = 'both', style: TextStyle | boolean = {}): string {
    const resolved = typeof style === 'boolean' ? { explicitLength: style } : style;
    return formatColumnsText(families !== 'v6' ? this.v4 : undefined, families !== 'v4' ? this.v6 : undefined, resolved);
  }

  /** text() as ASCII bytes. */
  bytes(families: FamilyFilter = 'both'): Buffer {
    return formatColumnsBytes(families !== 'v6' ? this.v4 : undefined, families !== 'v4' ? this.v6 : undefined);
  }

  only(families: FamilyFilter): BanSet {
    if (families === 'both') return this;
    return families === 'v4' ? new BanSet(this.v4, BanSet.EMPTY.v6) : new BanSet(BanSet.EMPTY.v4, this.v6);
  }

  /** The minimal set of CIDRs that covers exactly the same addresses. */
  aggregate(): BanSet {
    return new BanSet(aggregateColumn4(this.v4), aggregateColumn6(this.v6));
  }

  /** Removes every address in `allowed`; a ban that covers an allowed address is split around it. */
  subtract(allowed: Iterable<Prefix>): BanSet {
    return this.subtractCounting(allowed).bans;
  }

  /** Like subtract, and counts the bans that were removed or split. */
  subtractCounting(allowed: Iterable<Prefix>): { bans: BanSet; hits: number } {
    const holes4: [number, number][] = [];
    const holes6: [bigint, bigint][] = [];
    for (const p of allowed) {
      if (p.family === 4) holes4.push(prefixRange4(p));
      else holes6.push(prefixRange6(p));
    }
    const v4 = subtractColumn4(this.v4, holes4);
    const v6 = subtractColumn6(this.v6, holes6);
    if (v4.hits + v6.hits === 0) return { bans: this, hits: 0 };
    return { bans: new BanSet(v4.column, v6.column), hits: v4.hits + v6.hits };
  }

  /** The ban that covers `prefix` entirely, if any. */
  covering(prefix: Prefix): Prefix | undefined {
    if (prefix.family === 4) {
      const index = findCovering4(this.v4, ...prefixRange4(prefix));
      return index < 0 ? undefined : { family: 4, network: this.v4.networks[index], length: this.v4.lengths[index] };
    }
    const index = findCovering6(this.v6, ...prefixRange6(prefix));
    return index < 0 ? undefined : { family: 6, network: network6(this.v6, index), length: this.v6.lengths[index] };
  }

  equals(other: BanSet): boolean {
    // A memcmp of the typed arrays: a serve publish compares million-entry sets on the event loop.
    return (
      sameBytes(this.v4.networks, other.v4.networks) &&
      sameBytes(this.v4.lengths, other.v4.lengths) &&
      sameBytes(this.v6.words, other.v6.words) &&
      sameBytes(this.v6.lengths, other.v6.lengths)
    );
  }
}

function sameBytes(a: Uint32Array | Uint8Array, b: Uint32Array | Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export interface CreateBanSetOptions {
  /** Merge adjacent and overlapping prefixes into the minimal CIDR list (default false). */
  aggregate?: boolean | undefined;
}

function splitFamilies(prefixes: Iterable<Prefix>): { v4Keys: number[]; v6: Prefix6[] } {
  const v4Keys: number[] = [];
  const v6: Prefix6[] = [];
  for (const p of prefixes) {
    if (p.family === 4) v4Keys.push(p.network * 64 + p.length);
    else v6.push(p);
  }
  return { v4Keys, v6 };
}

/**
 * What a device holds, exactly: sorted and de-duplicated, but a prefix covered by another one is
 * kept (a device may hold both 10.0.0.0/8 and 10.1.1.1, and a diff against it must see both so
 * the covered one gets removed). For diffing only: do not aggregate or subtract such a set.
 */
export function createExactBanSet(prefixes: Iterable<Prefix>): BanSet {
  const { v4Keys, v6 } = splitFamilies(prefixes);
  return BanSet.fromColumns(column4FromKeys(v4Keys, 0, true), column6FromPrefixes(v6, 0, true));
}

/** Builds a normalized BanSet from prefixes in any order, with duplicates and covered entries removed. */
export function createBanSet(prefixes: Iterable<Prefix>, options: CreateBanSetOptions = {}): BanSet {
  const { v4Keys, v6 } = splitFamilies(prefixes);
  const set = BanSet.fromPacked(v4Keys, v6);
  return options.aggregate ? set.aggregate() : set;
}
