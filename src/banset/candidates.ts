/**
 * Raw candidates on their way into a BanSet: what the sources said, strictly parsed, before any
 * policy. They are held as typed columns (IPv4 networks and lengths, IPv6 as four words and a
 * length), so a million entries are a few arrays, not a million objects.
 */
import { tryParsePrefix, type Prefix } from './address.js';
import type { RawColumns } from './banset.js';
import { growableUint32, growableUint8 } from './growable.js';
import { fromBigInt128, WORDS6 } from './words128.js';

export interface RejectedEntry {
  entry: string;
  reason: string;
  source: string;
}

const SAMPLE_LIMIT = 20;

export class Candidates {
  readonly networks4 = growableUint32();
  readonly lengths4 = growableUint8();
  readonly words6 = growableUint32();
  readonly lengths6 = growableUint8();
  invalid = 0;
  readonly invalidSamples: RejectedEntry[] = [];

  get accepted(): number {
    return this.lengths4.length + this.lengths6.length;
  }

  /** The prefixes so far, unsorted (views: valid until the next add). */
  get raw(): RawColumns {
    return {
      v4: { networks: this.networks4.view(), lengths: this.lengths4.view() },
      v6: { words: this.words6.view(), lengths: this.lengths6.view() },
    };
  }

  add(prefix: Prefix): void {
    if (prefix.family === 4) {
      this.networks4.push(prefix.network);
      this.lengths4.push(prefix.length);
    } else {
      fromBigInt128(prefix.network, this.words6.reserve(WORDS6), this.words6.length);
      this.words6.length += WORDS6;
      this.lengths6.push(prefix.length);
    }
  }

  reject(entry: string, reason: string, source: string): void {
    tallyRejected(this, { entry, reason, source });
  }
}

/** Counts a rejected entry and keeps the first few as examples (the policy report and sync stats alike). */
export function tallyRejected(tally: { invalid: number; readonly invalidSamples: RejectedEntry[] }, rejected: RejectedEntry): void {
  tally.invalid++;
  if (tally.invalidSamples.length < SAMPLE_LIMIT) tally.invalidSamples.push(rejected);
}

/** Strictly parses entries as given (APIBAN's array items): no trimming, no comments. */
export function parseEntries(entries: Iterable<string>, source: string, into = new Candidates()): Candidates {
  for (const entry of entries) {
    const parsed = tryParsePrefix(entry);
    if (typeof parsed === 'string') into.reject(entry, parsed, source);
    else into.add(parsed);
  }
  return into;
}
