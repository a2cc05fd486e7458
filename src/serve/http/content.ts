/**
 * Immutable response bytes: a body, its gzip form, a strong ETag and Last-Modified, built once
 * per version of the set and never on the request path.
 *
 * The ETag is the SHA-256 of the identity body, so two replicas holding the same set send the
 * same tag and a firewall polling through a load balancer does not re-download. The gzip form is
 * another representation of the same content and gets its own tag (`-gzip` suffix), as RFC 9110
 * §8.8.3 asks; If-None-Match accepts either. Node's gzip writes mtime 0, so the compressed bytes
 * are also reproducible.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

export interface Resource {
  readonly contentType: string;
  readonly identity: Buffer;
  readonly gzip: Buffer;
  /** Quoted strong tag of the identity body. */
  readonly etag: string;
  readonly gzipEtag: string;
  /** Whole seconds (HTTP dates have no finer unit), so If-Modified-Since compares exactly. */
  readonly modifiedAt: number;
  readonly lastModified: string;
}

export function contentHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('base64url');
}

export async function buildResource(body: string, contentType: string, history: ContentHistory, versionTime: number): Promise<Resource> {
  const identity = Buffer.from(body, 'utf8');
  return resourceOf({ identity, gzip: await gzip(identity), hash: contentHash(identity) }, contentType, history, versionTime);
}

/**
 * Wraps bytes rendered elsewhere (possibly in the render worker, which hands back bare
 * ArrayBuffers) as a Resource; the first-seen time is looked up here, on the thread that owns
 * the history.
 */
export function resourceOf(
  bytes: { identity: Uint8Array; gzip: Uint8Array; hash: string },
  contentType: string,
  history: ContentHistory,
  versionTime: number,
): Resource {
  const { hash } = bytes;
  const modifiedAt = history.firstSeen(hash, versionTime);
  return {
    contentType,
    identity: asBuffer(bytes.identity),
    gzip: asBuffer(bytes.gzip),
    etag: `"${hash}"`,
    gzipEtag: `"${hash}-gzip"`,
    modifiedAt,
    lastModified: new Date(modifiedAt).toUTCString(),
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Remembers when each content hash was first served, so Last-Modified stays put across syncs
 * that change nothing for an output (an IPv4-only list does not change when an IPv6 ban is
 * added). Bounded: the oldest hashes are forgotten first.
 */
export class ContentHistory {
  private readonly seen = new Map<string, number>();

  constructor(private readonly limit = 4096) {}

  firstSeen(hash: string, now: number): number {
    const known = this.seen.get(hash);
    if (known !== undefined) return known;
    const seconds = Math.floor(now / 1000) * 1000;
    this.seen.set(hash, seconds);
    if (this.seen.size > this.limit) this.seen.delete(this.seen.keys().next().value as string);
    return seconds;
  }
}
