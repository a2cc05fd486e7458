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
import { closeServer, listenOnLoopback } from '../helpers/listen.js';
import { fetchRaw, type RawResponse } from '../serve/support.js';

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

/** Clients: `sbc1` from 127.0.0.1, `sbc2` from 127.0.0.2, `tokened` from 127.0.0.3 with TOKEN; overrides go into the ingest section. */
export async function startEndpoint(
  overrides: Record<string, unknown> = {},
  options: { stateDir?: string; policy?: BanPolicy; clock?: TestClock } = {},
): Promise<Endpoint> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'edge-')));
  const tokenFile = join(stateDir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`);
  const config = ingestSchema.parse({
    listen: '127.0.0.1:0',
    clients: [
      { name: 'sbc1', allow: ['127.0.0.1/32'] },
      { name: 'sbc2', allow: ['127.0.0.2/32'] },
      { name: 'tokened', allow: ['127.0.0.3/32'], tokenFile },
    ],
    ...overrides,
  });
  const clock = options.clock ?? new TestClock();
  const endpoint = { changes: 0 } as Endpoint;
  const ingest = await EdgeIngest.open({
    config,
    stateDir,
    log: silentLogger,
    policy: options.policy ?? DEFAULT_POLICY,
    onChange: () => endpoint.changes++,
    clock,
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
