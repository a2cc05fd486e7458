/** `?ttl=`: seconds or a duration (90s, 30m, 12h), at most ingest.maxTtl; absent = ingest.ttl. */
import { parseDuration } from '../duration.js';

export function requestedTtl(text: string | undefined, defaultMs: number, maxMs: number): number | string {
  if (text === undefined) return defaultMs;
  const ms = /^[0-9]{1,9}$/.test(text) ? Number(text) * 1000 : parseDuration(text);
  if (ms === undefined || !Number.isFinite(ms) || ms < 1000)
    return `ttl ${JSON.stringify(text)} is not a duration of at least 1s (e.g. 600 or 10m)`;
  if (ms > maxMs) return `ttl ${text} is longer than ingest.maxTtl (${maxMs / 1000}s)`;
  return ms;
}
