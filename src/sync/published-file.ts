/**
 * The last published set on disk (`published.json`): exactly what passed the guard, so a
 * restarted service serves the same list before its first sync, and a refused list never
 * replaces it. Prefixes are stored as canonical text and re-parsed strictly on load.
 */
import { tryParsePrefix, type Prefix } from '../banset/address.js';
import { createBanSet, type BanSet } from '../banset/banset.js';
import type { PolicyReport } from '../banset/policy.js';
import type { PublishedSet } from './published-set.js';
import { isJsonObject } from '../json-object.js';

const SNAPSHOT_FORMAT = 'apiban-exporter/published';

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
  const raw: unknown = JSON.parse(text);
  if (!isJsonObject(raw) || raw.format !== SNAPSHOT_FORMAT || raw.version !== 1) throw new Error(`not a ${SNAPSHOT_FORMAT} v1 file`);
  if (typeof raw.syncedAt !== 'number' || !Number.isFinite(raw.syncedAt)) throw new Error('syncedAt is not a time');
  if (raw.source !== 'apiban' && raw.source !== 'local' && raw.source !== 'sample')
    throw new Error('source is not apiban, local or sample');
  if (raw.cursor !== undefined && typeof raw.cursor !== 'string') throw new Error('cursor is not a string');
  if (!Array.isArray(raw.prefixes)) throw new Error('prefixes is not an array');
  const report = raw.report as PolicyReport | null;
  if (report === null || typeof report !== 'object' || typeof report.published !== 'number') throw new Error('report is malformed');
  const prefixes: Prefix[] = raw.prefixes.map((entry: unknown, i) => {
    const parsed = typeof entry === 'string' ? tryParsePrefix(entry) : 'not a string';
    if (typeof parsed === 'string') throw new Error(`prefixes[${i}]: ${parsed}`);
    return parsed;
  });
  const set: PublishedSet = { bans: createBanSet(prefixes), report, syncedAt: new Date(raw.syncedAt), source: raw.source };
  if (typeof raw.cursor === 'string') set.cursor = raw.cursor;
  return set;
}
