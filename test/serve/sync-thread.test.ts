import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { LoadedConfig } from '../../src/config/load.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { startServeSync, THREAD_MIN_ENTRIES } from '../../src/runtime/sync-placement.js';
import { startSyncThread } from '../../src/runtime/sync-thread.js';
import { computePublishedSet, createSyncService } from '../../src/sync/service.js';
import { configSchema } from '../helpers/config-schema.js';
import { waitFor } from '../helpers/serve-process.js';

/** `count` distinct IPv4 hosts spread over 45.0.0.0/14 (four /16s), with a few IPv6 ones. */
function listText(count: number, salt: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = (i * 2654435761 + salt) % 262_144;
    lines.push(i % 50 === 0 ? `2001:db8::${(i + salt).toString(16)}` : `45.${n >> 16}.${(n >> 8) & 255}.${n & 255}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Fixture {
  dir: string;
  list: string;
  loaded(allowlist: string): LoadedConfig;
  lines(): string;
  daemon(reloadTo: () => LoadedConfig): Promise<Runtime>;
}

function fixture(entries: number): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'apiban-sync-thread-'));
  const list = join(dir, 'list.txt');
  writeFileSync(list, listText(entries, 1));
  let log = '';
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    log += chunk;
  });
  const loaded = (allowlist: string): LoadedConfig => ({
    config: configSchema.parse({ sources: [{ name: 'list', file: list }], policy: { allowlist: [allowlist] } }),
    source: 'test',
    stateDir: join(dir, 'state'),
  });
  return {
    dir,
    list,
    loaded,
    lines: () => log,
    daemon: (reloadTo) =>
      Runtime.start({
        loaded: loaded('45.0.0.0/16'),
        log: createLogger({ format: 'json', destination: sink }),
        createSync: (l, log, hooks) => startServeSync(l, log, hooks, createSyncService, startSyncThread),
        reloadConfig: reloadTo,
        http: { listen: '127.0.0.1:0', processMetrics: false },
      }),
  };
}

/** The event loop's utilization while `work` runs: near 1 when it computes there, near 0 when it waits on another thread. */
async function utilizationDuring(work: () => Promise<unknown>): Promise<number> {
  const before = performance.eventLoopUtilization();
  await work();
  return performance.eventLoopUtilization(before).utilization;
}

describe('serve: a large set syncs in a worker thread', function () {
  this.timeout(60_000);
  const entries = 6 * THREAD_MIN_ENTRIES;
  let fx: Fixture;
  let daemon: Runtime | undefined;

  beforeEach(() => {
    fx = fixture(entries);
  });
  afterEach(async () => {
    await daemon?.shutdown();
    daemon = undefined;
    rmSync(fx.dir, { recursive: true, force: true });
  });

  it('moves there once the set is large, and a reload that changes the allowlist publishes what the event loop computes', async () => {
    let next = fx.loaded('45.0.0.0/16');
    daemon = await fx.daemon(() => next);
    await waitFor(async () => daemon?.serving?.state.latestSet !== undefined, 'the first sync');
    expect(fx.lines()).not.to.include('worker thread');

    // The set is large now: the next sync runs in the thread, and what it publishes is what the loop computes.
    writeFileSync(fx.list, listText(entries, 2));
    await daemon.syncNow();
    expect(fx.lines()).to.include('syncing in a worker thread from now on');
    const synced = await computePublishedSet(fx.loaded('45.0.0.0/16'), silentLogger, { unguarded: true });
    expect(daemon.serving?.state.latestSet?.bans.equals(synced.bans)).to.equal(true);

    next = fx.loaded('45.1.0.0/16');
    const expected = await computePublishedSet(next, silentLogger, { unguarded: true });
    expect(expected.bans.equals(synced.bans)).to.equal(false);
    const reloaded = await utilizationDuring(async () => {
      expect(await daemon?.reload()).to.equal(true);
      await waitFor(async () => daemon?.serving?.state.view.snapshot?.set.bans.equals(expected.bans) === true, 'the reloaded set');
    });
    expect(daemon.serving?.state.latestSet?.report).to.deep.equal(expected.report);
    expect(fx.lines()).to.include('syncing in a worker thread (the saved set is large)');

    // The same rebuild on the event loop keeps it busy; in the thread the loop mostly waits.
    const onLoop = await utilizationDuring(() => computePublishedSet(next, silentLogger, { unguarded: true }));
    expect(reloaded).to.be.below(onLoop);
  });

  it('keeps a small set on the event loop', async () => {
    writeFileSync(fx.list, listText(100, 1));
    daemon = await fx.daemon(() => fx.loaded('45.1.0.0/16'));
    await waitFor(async () => daemon?.serving?.state.latestSet !== undefined, 'the first sync');
    await daemon.syncNow();
    expect(await daemon.reload()).to.equal(true);
    await daemon.syncNow();
    expect(fx.lines()).not.to.include('worker thread');
  });

  it('fails to start as the service would, with its message, when the thread cannot start it', async () => {
    writeFileSync(join(fx.dir, 'state'), 'a file where the state directory should be');
    const error = await startSyncThread(fx.loaded('45.0.0.0/16'), silentLogger).then(
      () => undefined,
      (e: unknown) => e as Error & { exitCode?: number },
    );
    expect(error?.message).to.match(/\[state\]/);
    expect(error?.exitCode).to.equal(4);
  });
});
