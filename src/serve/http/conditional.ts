/**
 * Conditional requests and content coding for pre-built resources (RFC 9110 §13, §12.5.3).
 * Firewalls poll every few minutes; a 304 costs a few hundred bytes instead of the whole list.
 * gzip is sent only when the client asks: pfSense's curl call sets no CURLOPT_ENCODING and would
 * store compressed bytes as the table (pfsense/pfsense src/etc/inc/pfsense-utils.inc, download_file()).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { BoundedMemo } from './bounded-memo.js';
import type { Resource } from './content.js';

/** If-None-Match uses the weak comparison: `W/` and our `-gzip` representation suffix are ignored. */
export function matchesIfNoneMatch(header: string, resource: Resource): boolean {
  // A poller sends back exactly the tag it was given: answer that without splitting the header.
  if (header === resource.etag || header === resource.gzipEtag) return true;
  if (header.trim() === '*') return true;
  const wanted = resource.etag;
  for (const raw of header.split(',')) {
    let tag = raw.trim();
    if (tag.startsWith('W/')) tag = tag.slice(2);
    if (tag.endsWith('-gzip"')) tag = `${tag.slice(0, -6)}"`;
    if (tag === wanted) return true;
  }
  return false;
}

/** True when the request's validators say the client already holds this content. */
export function isNotModified(headers: Pick<IncomingHttpHeaders, 'if-none-match' | 'if-modified-since'>, resource: Resource): boolean {
  const ifNoneMatch = headers['if-none-match'];
  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.1.3).
  if (ifNoneMatch !== undefined) return matchesIfNoneMatch(ifNoneMatch, resource);
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return Number.isFinite(since) && resource.modifiedAt <= since;
}

/**
 * Verdicts per Accept-Encoding value: a client sends the same value on every request and a few
 * kinds of client poll, so parsing each value once takes the split and lowercasing off the request
 * path.
 */
const gzipVerdicts = new BoundedMemo(64, parseAcceptsGzip);

/** Whether Accept-Encoding admits gzip (a `q=0` refuses it; `*` admits it). */
export function acceptsGzip(header: string | undefined): boolean {
  return header !== undefined && header !== '' && gzipVerdicts.get(header);
}

function parseAcceptsGzip(header: string): boolean {
  let wildcard = false;
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip' || coding === 'x-gzip') return allowed;
    if (coding === '*') wildcard = allowed;
  }
  return wildcard;
}
