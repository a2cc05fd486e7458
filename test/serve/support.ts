/** Shared pieces of the serve tests: a scripted sync runner, an in-process daemon and a raw HTTP client. */
import { request } from 'node:http';
import { parsePrefix } from '../../src/banset/address.js';
import { createBanSet, type BanSet } from '../../src/banset/banset.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { configSchema } from '../helpers/config-schema.js';
import { silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { NO_TRAFFIC, type SyncReport, type SyncService } from '../../src/sync/service.js';
import type { PublishedSet } from '../../src/sync/published-set.js';

export function bansOf(...entries: string[]): BanSet {
  return createBanSet(entries.map(parsePrefix));
}

export function servedSet(bans: BanSet, syncedAt = new Date()): PublishedSet {
  const report = {
    candidates: bans.size,
    invalid: 0,
    invalidSamples: [],
    tooWide: 0,
    protectedHits: 0,
    allowlistHits: 0,
    published: bans.size,
  };
  return { bans, report, syncedAt, source: 'apiban', cursor: String(Math.floor(syncedAt.getTime() / 1000)) };
}

/** What a scripted sync reports of its APIBAN traffic: one request, nothing received. */
const ONE_REQUEST = { ...NO_TRAFFIC, requests: 1 };

/** A sync service stand-in: each sync publishes `next` (or fails while `failing` is set). */
export class ScriptedRunner implements SyncService {
  next?: BanSet | undefined;
  failing = false;
  syncs = 0;
  closed = false;
  private published?: PublishedSet;

  constructor(initial?: BanSet) {
    this.next = initial;
  }

  async sync(): Promise<SyncReport> {
    this.syncs++;
    if (this.failing || this.next === undefined) {
      return {
        ok: false,
        full: false,
        ...ONE_REQUEST,
        size: this.published?.bans.size ?? 0,
        durationMs: 1,
        changed: false,
        error: '[apiban] 503 from the test',
        published: this.published,
      };
    }
    const changed = this.published === undefined || !this.published.bans.equals(this.next);
    this.published = servedSet(this.next);
    return { ok: true, full: false, ...ONE_REQUEST, size: this.next.size, durationMs: 1, changed, published: this.published };
  }

  current(): PublishedSet | undefined {
    return this.published;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function testConfig(raw: Record<string, unknown> = {}): LoadedConfig {
  return { config: configSchema.parse(raw), source: 'test', stateDir: '/nonexistent' };
}

/** A daemon on 127.0.0.1:0 with a long interval: tests drive syncs with syncNow(). */
export async function startTestDaemon(runner: SyncService, raw: Record<string, unknown> = {}): Promise<{ daemon: Runtime; base: string }> {
  const daemon = await Runtime.start({
    loaded: testConfig(raw),
    log: silentLogger,
    createSync: async () => runner,
    http: { listen: (raw.serve as { listen?: string } | undefined)?.listen ?? '127.0.0.1:0', processMetrics: false },
  });
  return { daemon, base: `http://127.0.0.1:${daemon.address.port}` };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain node:http request: no automatic decompression, so tests see the bytes on the wire. */
export function fetchRaw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const { method = 'GET', headers, localAddress } = options;
    const req = request(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
