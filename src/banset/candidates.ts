/**
 * Raw candidates on their way into a BanSet: what the sources said, strictly parsed, before any
 * policy. IPv4 is packed as one number per prefix (network * 64 + length) so a million entries
 * are one array of doubles that sorts natively, not a million objects.
 */
import { parseIPv4Range, tryParsePrefix, type Prefix, type Prefix6 } from './address.js';
import { growableFloat64 } from './growable.js';

export interface RejectedEntry { entry: string; reason: string; source: string }

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
    this.invalid++;
    if (this.invalidSamples.length < SAMPLE_LIMIT) this.invalidSamples.push({ entry, reason, source });
  }
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
 * itself is still strict. IPv4 is parsed straight from the text, without a substring per line.
 */
export function parseListText(text: string, source: string, into = new Candidates()): Candidates {
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let start = lineStart;
    while (start < lineEnd && isBlank(text.charCodeAt(start))) start++;
    let end = start;
    while (end < lineEnd && !isBlank(text.charCodeAt(end))) end++;
    const first = text.charCodeAt(start);
    if (start < end && first !== 35 /* # */ && first !== 59 /* ; */ && isCommentOrEnd(text, end, lineEnd)) {
      const key = parseIPv4Range(text, start, end);
      if (key >= 0) into.addPacked4(key);
      else parseEntries([text.slice(start, end)], source, into);
    } else if (start < end && first !== 35 && first !== 59) {
      into.reject(text.slice(start, lineEnd).trim(), 'trailing text after the address', source);
    }
    lineStart = lineEnd + 1;
  }
  return into;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function isCommentOrEnd(text: string, end: number, lineEnd: number): boolean {
  let i = end;
  while (i < lineEnd && isBlank(text.charCodeAt(i))) i++;
  return i === lineEnd || text.charCodeAt(i) === 35 || text.charCodeAt(i) === 59;
}
