/**
 * The last published set on disk (`published.json`): exactly what passed the guard, so a
 * restarted service serves the same list before its first sync, and a refused list never
 * replaces it. Prefixes are stored as canonical text and re-parsed strictly on load.
 */
import { tryParsePrefix, type Prefix } from '../banset/address.js';
import { BanSet, createBanSet } from '../banset/banset.js';
import { parseListBytes } from '../banset/list-bytes.js';
import type { PolicyReport } from '../banset/policy.js';
import type { PublishedSet } from './published-set.js';
import { isJsonObject } from '../json-object.js';

const SNAPSHOT_FORMAT = 'apiban-exporter/published';
const PUBLISHED_NAME = 'published.json';

/** The file's bytes: JSON, its prefixes written from the set's bytes (prefixArray). */
export function encodeSnapshot(set: PublishedSet): Buffer {
  const head = JSON.stringify({
    format: SNAPSHOT_FORMAT,
    version: 1,
    syncedAt: set.syncedAt.getTime(),
    source: set.source,
    cursor: set.cursor,
    report: set.report,
  });
  return Buffer.concat([Buffer.from(`${head.slice(0, -1)},"prefixes":`), prefixArray(set.bans), Buffer.from('}')]);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * The JSON array of the set's canonical prefixes, written from the set's one-line-per-entry bytes:
 * the same bytes as JSON.stringify of one string per prefix (canonical prefixes hold only hex
 * digits, dots, colons and a slash, nothing JSON escapes), without a million strings on the heap.
 */
function prefixArray(bans: BanSet): Buffer {
  const lines = bans.bytes();
  if (lines.length === 0) return Buffer.from('[]');
  // Each "\n" becomes `","`; the brackets and outer quotes replace the last one.
  const out = Buffer.allocUnsafe(lines.length + 2 * bans.size + 2);
  out[0] = 0x5b;
  out[1] = QUOTE;
  let at = 2;
  for (let i = 0; i < lines.length - 1; i++) {
    const byte = lines[i];
    if (byte !== NEWLINE) out[at++] = byte;
    else {
      out[at++] = QUOTE;
      out[at++] = COMMA;
      out[at++] = QUOTE;
    }
  }
  out[at++] = QUOTE;
  out[at++] = 0x5d;
  return out.subarray(0, at);
}

// Hand-written like decodeState (sync-state.ts): the prefix array is large, and each entry is parsed strictly here anyway.
export function decodeSnapshot(text: string): PublishedSet {
  const split = splitPrefixes(text);
  const raw: unknown = JSON.parse(split?.head ?? text);
  if (!isJsonObject(raw) || raw.format !== SNAPSHOT_FORMAT || raw.version !== 1) throw new Error(`not a ${SNAPSHOT_FORMAT} v1 file`);
  if (typeof raw.syncedAt !== 'number' || !Number.isFinite(raw.syncedAt)) throw new Error('syncedAt is not a time');
  if (raw.source !== 'apiban' && raw.source !== 'local' && raw.source !== 'sample')
    throw new Error('source is not apiban, local or sample');
  if (raw.cursor !== undefined && typeof raw.cursor !== 'string') throw new Error('cursor is not a string');
  if (!Array.isArray(raw.prefixes)) throw new Error('prefixes is not an array');
  const report = raw.report as PolicyReport | null;
  if (report === null || typeof report !== 'object' || typeof report.published !== 'number') throw new Error('report is malformed');
  // Anything the fast path does not take (escapes, spaces, an entry that does not parse) goes the
  // slow way, through JSON.parse of the whole file, which names the entry at fault.
  const bans = (split && bansFromArray(split.array)) ?? bansFromEntries(split ? prefixesOf(JSON.parse(text)) : raw.prefixes);
  const set: PublishedSet = { bans, report, syncedAt: new Date(raw.syncedAt), source: raw.source };
  if (typeof raw.cursor === 'string') set.cursor = raw.cursor;
  return set;
}

function prefixesOf(value: unknown): unknown[] {
  if (!isJsonObject(value) || !Array.isArray(value.prefixes)) throw new Error('prefixes is not an array');
  return value.prefixes;
}

function bansFromEntries(entries: unknown[]): BanSet {
  const prefixes: Prefix[] = entries.map((entry: unknown, i) => {
    const parsed = typeof entry === 'string' ? tryParsePrefix(entry) : 'not a string';
    if (typeof parsed === 'string') throw new Error(`prefixes[${i}]: ${parsed}`);
    return parsed;
  });
  return createBanSet(prefixes);
}

/** How encodeSnapshot ends a file: the prefixes last. */
const SPLIT_MARK = ',"prefixes":[';

/** The file without its prefix array (to JSON.parse) and the array's inside, when the file ends with it. */
function splitPrefixes(text: string): { head: string; array: string } | undefined {
  const at = text.lastIndexOf(SPLIT_MARK);
  if (at < 0 || !text.endsWith(']}')) return undefined;
  return { head: `${text.slice(0, at)},"prefixes":[]}`, array: text.slice(at + SPLIT_MARK.length, -2) };
}

/** Bytes a canonical prefix is written with. */
const PREFIX_BYTE = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF.:/') PREFIX_BYTE[c.charCodeAt(0)] = 1;

/**
 * The set from the array's inside (`"a","b",...`) read as list bytes, one entry a line, by the
 * strict list parser: no string per entry. undefined for anything but plain quoted prefixes that
 * all parse, which the caller leaves to the slow way.
 */
function bansFromArray(array: string): BanSet | undefined {
  const bytes = Buffer.from(array, 'utf8');
  const lines = Buffer.allocUnsafe(bytes.length);
  let at = 0;
  let count = 0;
  let inside = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      inside = !inside;
      if (!inside) {
        lines[at++] = NEWLINE;
        count++;
      }
    } else if (inside && PREFIX_BYTE[byte] === 1) lines[at++] = byte;
    else if (inside || byte !== COMMA) return undefined;
  }
  if (inside) return undefined;
  const candidates = parseListBytes(lines.subarray(0, at), PUBLISHED_NAME);
  return candidates.invalid === 0 && candidates.accepted === count ? BanSet.fromRaw(candidates.raw) : undefined;
}
