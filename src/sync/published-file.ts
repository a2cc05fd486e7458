/**
 * The last published set on disk (`published.json`): exactly what passed the guard, so a
 * restarted service serves the same list before its first sync, and a refused list never
 * replaces it. Prefixes are stored as canonical text and re-parsed strictly on load.
 */
import { formatPrefix, tryParsePrefix, type Prefix } from '../banset/address.js';
import { createBanSet } from '../banset/banset.js';
import type { PolicyReport } from '../banset/policy.js';
import type { PublishedSet } from './published-set.js';
import { isJsonObject } from '../json-object.js';

const SNAPSHOT_FORMAT = 'apiban-exporter/published';

export function encodeSnapshot(set: PublishedSet): string {
  return JSON.stringify({
    format: SNAPSHOT_FORMAT,
    version: 1,
    syncedAt: set.syncedAt.getTime(),
    source: set.source,
    cursor: set.cursor,
    report: set.report,
    prefixes: Array.from(set.bans.prefixes(), (p) => formatPrefix(p)),
  });
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
