/** An ingest endpoint in-process on 127.0.0.1 port 0, over a temporary state directory, with a clock the test moves. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/apiban/clock.js';
import { DEFAULT_POLICY, type BanPolicy } from '../../src/banset/policy.js';
import { ingestSchema } from '../../src/config/ingest-schema.js';
import { silentLogger } from '../../src/log.js';
import { createIngestListener } from '../../src/ingest/listener.js';
import { EdgeIngest } from '../../src/ingest/service.js';
import { startEdgeExtension } from '../../src/ingest/extension.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { configSchema } from '../helpers/config-schema.js';
import { closeServer, listenOnLoopback } from '../helpers/listen.js';
import { bansOf, fetchRaw, type RawResponse, ScriptedRunner } from '../serve/support.js';

export const TOKEN = 'edge-token-0123456789abcdef';

export class TestClock implements Clock {
  constructor(public at = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.at;
  }
  async sleep(): Promise<void> {}
}

export interface Endpoint {
  base: string;
  ingest: EdgeIngest;
  clock: TestClock;
  stateDir: string;
  changes: number;
  close(): Promise<void>;
}

/** Clients: `sbc1` from 127.0.0.1, `sbc2` from 127.0.0.2, `tokened` from 127.0.0.3 with TOKEN (its file in `stateDir`). */
export async function testIngestSection(stateDir: string, overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const tokenFile = join(stateDir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`);
  return {
    listen: '127.0.0.1:0',
    clients: [
      { name: 'sbc1', allow: ['127.0.0.1/32'] },
      { name: 'sbc2', allow: ['127.0.0.2/32'] },
      { name: 'tokened', allow: ['127.0.0.3/32'], tokenFile },
    ],
    ...overrides,
  };
}

/** The test clients (testIngestSection); overrides go into the ingest section. */
export async function startEndpoint(
  overrides: Record<string, unknown> = {},
  options: { stateDir?: string; policy?: BanPolicy; clock?: TestClock } = {},
): Promise<Endpoint> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'edge-')));
  const config = ingestSchema.parse(await testIngestSection(stateDir, overrides));
  const clock = options.clock ?? new TestClock();
  const endpoint = { changes: 0 } as Endpoint;
  const ingest = await EdgeIngest.open({
    config,
    stateDir,
    log: silentLogger,
    policy: options.policy ?? DEFAULT_POLICY,
    onChange: () => endpoint.changes++,
    clock,
    keepEndedMs: 30 * 86_400_000,
  });
  const server: Server = createIngestListener((request) => ingest.handle(request), silentLogger);
  const port = await listenOnLoopback(server);
  return Object.assign(endpoint, {
    base: `http://127.0.0.1:${port}`,
    ingest,
    clock,
    stateDir,
    close: async () => {
      await closeServer(server);
      await ingest.close();
    },
  });
}

export interface EdgeDaemon {
  daemon: Runtime;
  /** serve's origin, and the ingest endpoint's. */
  base: string;
  edge: string;
}

/** serve in-process with the test clients' ingest over `stateDir`, on the test's clock; the synced set is 192.0.2.1. */
export async function startEdgeDaemon(stateDir: string, clock: TestClock): Promise<EdgeDaemon> {
  const config = configSchema.parse({ ingest: await testIngestSection(stateDir) });
  const daemon = await Runtime.start({
    loaded: { config, source: 'test', stateDir },
    log: silentLogger,
    createSync: async () => new ScriptedRunner(bansOf('192.0.2.1')),
    startExtension: (loaded, log, republish) => startEdgeExtension(loaded, log, republish, clock),
    http: { listen: '127.0.0.1:0', processMetrics: false },
  });
  await daemon.syncNow();
  return { daemon, base: `http://127.0.0.1:${daemon.address.port}`, edge: `http://127.0.0.1:${daemon.extensionAddress?.port}` };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** The answer as status and parsed JSON body. */
export async function call(
  url: string,
  options: Parameters<typeof fetchRaw>[1] = {},
): Promise<{ status: number; json: Record<string, string>; raw: RawResponse }> {
  const raw = await fetchRaw(url, options);
  return { status: raw.status, json: JSON.parse(raw.body.toString('utf8')), raw };
}

/** The live bans as "client address" lines, sorted. */
export function liveBans(ingest: EdgeIngest): string[] {
  return [...ingest.liveByClient()].flatMap(([client, keys]) => keys.map((k) => `${client} ${k}`)).sort();
}
