/**
 * parseListText over a file's bytes, in one pass and without a string per line: runs of bare
 * IPv4 lines (the bulk of any large list) are parsed in a tight loop straight into the IPv4
 * columns; every other line (comments, IPv6, trailing text, junk) goes through the general line
 * rules, where IPv6 is also parsed from bytes and only what the fast parsers refuse is decoded
 * and handed to the strict string parser for its verdict.
 */
import { parseIPv4Bytes, SCANNED, scanIPv4, tryParsePrefix } from './address.js';
import { Candidates } from './candidates.js';
import { parseIPv6Bytes } from './ipv6-bytes.js';
import { WORDS6 } from './words128.js';

/** The shortest IPv4 line, `1.2.3.4` and its LF: at most one entry per this many bytes. */
const MIN_V4_LINE = 8;

/** Where parseIPv4Lines stopped, and how many IPv4 entries the columns hold then. */
const RUN = { at: 0, count: 0 };

/**
 * Parses a list file: one entry per line; blank lines and lines starting with `#` or `;` are
 * skipped, and a comment after whitespace is allowed (`192.0.2.1 # seen on pbx1`). The entry
 * itself is still strict.
 */
export function parseListText(text: string, source: string, into = new Candidates()): Candidates {
  return parseListBytes(Buffer.from(text, 'utf8'), source, into);
}

/** parseListText over the file's bytes (decoded only where a line is neither IPv4 nor IPv6). */
export function parseListBytes(bytes: Uint8Array, source: string, into = new Candidates()): Candidates {
  const capacity = Math.ceil((bytes.length + 1) / MIN_V4_LINE);
  const networks = into.networks4.reserve(capacity);
  const lengths = into.lengths4.reserve(capacity);
  RUN.at = 0;
  RUN.count = into.networks4.length;
  while (RUN.at < bytes.length) {
    parseIPv4Lines(bytes, RUN.at, networks, lengths, RUN.count);
    if (RUN.at >= bytes.length) break;
    let lineEnd = RUN.at;
    while (lineEnd < bytes.length && bytes[lineEnd] !== 10) lineEnd++;
    const key = parseLine(bytes, RUN.at, lineEnd, source, into);
    if (key >= 0) {
      lengths[RUN.count] = key % 64;
      networks[RUN.count++] = (key - (key % 64)) / 64;
    }
    RUN.at = lineEnd + 1;
  }
  into.networks4.length = RUN.count;
  into.lengths4.length = RUN.count;
  return into;
}

/**
 * Parses consecutive lines that are exactly a strict IPv4 address or CIDR and their LF into the
 * columns from `count` on, until the first line that is anything else; leaves in RUN where that
 * line starts and the new count.
 */
function parseIPv4Lines(bytes: Uint8Array, at: number, networks: Uint32Array, lengths: Uint8Array, count: number): void {
  const n = bytes.length;
  while (at < n) {
    const network = scanIPv4(bytes, at, n);
    if (network < 0 || (SCANNED.end < n && bytes[SCANNED.end] !== 10)) break;
    networks[count] = network;
    lengths[count++] = SCANNED.length;
    at = SCANNED.end + 1;
  }
  RUN.at = at;
  RUN.count = count;
}

/**
 * One line by the general rules: returns its IPv4 entry packed as network * 64 + length, or -1
 * when it held something else (IPv6, stored here; a comment; an entry rejected and counted).
 */
function parseLine(bytes: Uint8Array, lineStart: number, lineEnd: number, source: string, into: Candidates): number {
  let start = lineStart;
  while (start < lineEnd && isBlank(bytes[start])) start++;
  let end = start;
  while (end < lineEnd && !isBlank(bytes[end])) end++;
  const first = bytes[start];
  if (start === end || first === 35 /* # */ || first === 59 /* ; */) return -1;
  if (!isCommentOrEnd(bytes, end, lineEnd)) {
    into.reject(decode(bytes, start, lineEnd).trim(), 'trailing text after the address', source);
    return -1;
  }
  const key = parseIPv4Bytes(bytes, start, end);
  if (key >= 0) return key;
  const words = into.words6.reserve(WORDS6);
  const length = parseIPv6Bytes(bytes, start, end, words, into.words6.length);
  if (length >= 0) {
    into.words6.length += WORDS6;
    into.lengths6.push(length);
    return -1;
  }
  // The strict parser has the last word, and the reason; IPv4 goes back to the caller's columns.
  const entry = decode(bytes, start, end);
  const parsed = tryParsePrefix(entry);
  if (typeof parsed === 'string') into.reject(entry, parsed, source);
  else if (parsed.family === 6) into.add(parsed);
  else return parsed.network * 64 + parsed.length;
  return -1;
}

function decode(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8');
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}

function isCommentOrEnd(bytes: Uint8Array, end: number, lineEnd: number): boolean {
  let i = end;
  while (i < lineEnd && isBlank(bytes[i])) i++;
  return i === lineEnd || bytes[i] === 35 || bytes[i] === 59;
}
