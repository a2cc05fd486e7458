/**
 * Raw candidates on their way into a BanSet: what the sources said, strictly parsed, before any
 * policy. IPv4 is packed as one number per prefix (network * 64 + length) so a million entries
 * are one array of doubles that sorts natively, not a million objects.
 */
import { parseIPv4Bytes, tryParsePrefix, type Prefix, type Prefix6 } from './address.js';
import { growableFloat64 } from './growable.js';

export interface RejectedEntry {
  entry: string;
  reason: string;
  source: string;
}

const SAMPLE_LIMIT = 20;

export class Candidates {
  /** IPv4 prefixes packed as network * 64 + length (exact: below 2^38). */
  private readonly keys = growableFloat64();
  readonly v6: Prefix6[] = [];
  invalid = 0;
  readonly invalidSamples: RejectedEntry[] = [];

  get accepted(): number {
    return this.keys.length + this.v6.length;
  }

  /** The IPv4 keys so far (a view: valid until the next add). */
  get v4Keys(): Float64Array {
    return this.keys.view();
  }

  addPacked4(key: number): void {
    this.keys.push(key);
  }

  add(prefix: Prefix): void {
    if (prefix.family === 4) this.keys.push(prefix.network * 64 + prefix.length);
    else this.v6.push(prefix);
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

/**
 * Parses a list file: one entry per line; blank lines and lines starting with `#` or `;` are
 * skipped, and a comment after whitespace is allowed (`192.0.2.1 # seen on pbx1`). The entry
 * itself is still strict.
 */
export function parseListText(text: string, source: string, into = new Candidates()): Candidates {
  return parseListBytes(Buffer.from(text, 'utf8'), source, into);
}

/**
 * parseListText over the file's bytes, in one pass: IPv4 is parsed in place, without a string
 * per line; only the other lines (IPv6, junk) are decoded, each on its own.
 */
export function parseListBytes(bytes: Uint8Array, source: string, into = new Candidates()): Candidates {
  const decode = (from: number, to: number) => Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8');
  let lineStart = 0;
  while (lineStart < bytes.length) {
    // A plain loop: indexOf is a native call per line, which costs more than the scan itself.
    let lineEnd = lineStart;
    while (lineEnd < bytes.length && bytes[lineEnd] !== 10) lineEnd++;
    let start = lineStart;
    while (start < lineEnd && isBlank(bytes[start])) start++;
    let end = start;
    while (end < lineEnd && !isBlank(bytes[end])) end++;
    const first = bytes[start];
    if (start < end && first !== 35 /* # */ && first !== 59 /* ; */ && isCommentOrEnd(bytes, end, lineEnd)) {
      const key = parseIPv4Bytes(bytes, start, end);
      if (key >= 0) into.addPacked4(key);
      else parseEntries([decode(start, end)], source, into);
    } else if (start < end && first !== 35 && first !== 59) {
      into.reject(decode(start, lineEnd).trim(), 'trailing text after the address', source);
    }
    lineStart = lineEnd + 1;
  }
  return into;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function isCommentOrEnd(bytes: Uint8Array, end: number, lineEnd: number): boolean {
  let i = end;
  while (i < lineEnd && isBlank(bytes[i])) i++;
  return i === lineEnd || bytes[i] === 35 || bytes[i] === 59;
}
