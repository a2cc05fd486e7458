/**
 * The sync history across kill -9: the real CLI, killed while it pages through APIBAN and at
 * increasing delays after APIBAN's last answer (while it computes, appends the event, publishes
 * and saves the state). After every kill, and after a clean sync at the end, replaying the
 * history from an empty set gives exactly the published set: no address added twice, none
 * removed that was not added, none missing.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPrefix } from '../../src/banset/address.js';
import { setDigest } from '../../src/sync/history-event.js';
import { parseHistory, readHistoryText } from '../../src/sync/history-read.js';
import { readPublishedFile } from '../../src/sync/store.js';
import { CLI } from '../helpers/paths.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { replayHistory } from './history-support.js';
import { manyAddresses, tempDir } from './support.js';

describe('sync history survives kill -9 (child processes)', function () {
  this.timeout(120_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let stateDir: string;
  const env = () => ({ PATH: process.env.PATH, APIBAN_KEY: fake.key, APIBAN_STATE_DIR: stateDir });

  beforeEach(async () => {
    dir = tempDir();
    stateDir = join(dir.path, 'state');
    fake = await startFakeApiban({ addresses: manyAddresses(1500) });
    configFile = join(dir.path, 'config.json');
    writeFileSync(configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: 1000, window: '1s' } } }));
  });
  afterEach(async () => {
    fake.onRequest = undefined;
    await fake.close();
    dir.remove();
  });

  /** Starts `sync` and SIGKILLs it `delayMs` after `when` says the moment has come. */
  async function syncKilled(when: (cursor: string | undefined) => boolean, delayMs: number): Promise<string | null> {
    const child = spawn(process.execPath, [CLI, '-c', configFile, 'sync'], { env: env(), stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    fake.onRequest = (request) => {
      if (when(request.cursor)) setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const signal = await exited;
    fake.onRequest = undefined;
    return signal;
  }

  /** Checks the replay; `raw` counts the lines, `kept` the events that stand (a pending one is dropped). */
  async function expectHistoryMatchesPublished(): Promise<{ raw: number; kept: number }> {
    const published = await readPublishedFile(stateDir);
    const events = parseHistory(await readHistoryText(stateDir), published === undefined ? undefined : setDigest(published.bans));
    const held = published === undefined ? [] : Array.from(published.bans.prefixes(), (p) => formatPrefix(p)).sort();
    const raw = (await readHistoryText(stateDir)).split('\n').filter(Boolean).length;
    expect(replayHistory(events)).to.deep.equal(held);
    return { raw, kept: events.length };
  }

  /** Starts `sync` and SIGKILLs it the moment the history file changes. */
  async function syncKilledOnAppend(): Promise<void> {
    const child = spawn(process.execPath, [CLI, '-c', configFile, 'sync'], { env: env(), stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const watcher = watch(stateDir, (_event, name) => {
      if (name === 'history.jsonl') child.kill('SIGKILL');
    });
    await exited;
    watcher.close();
  }

  /** How long the CLI runs after APIBAN's last answer, so the kills can be spread over that time. */
  async function tailOfCleanSync(): Promise<number> {
    let caughtUp = 0;
    const newest = fake.newestId;
    fake.onRequest = (request) => {
      if (request.cursor === newest) caughtUp = performance.now();
    };
    const result = await runCli(['-c', configFile, 'sync'], { env: env(), timeoutMs: 60_000 });
    fake.onRequest = undefined;
    expect(result.code, result.stderr).to.equal(0);
    return performance.now() - caughtUp;
  }

  it('replays to the published set after kills during paging and all along the publication', async () => {
    const tail = await tailOfCleanSync();
    let next = 1500;
    const steps = 8;
    for (let round = 0; round < 4; round++) {
      fake.add(manyAddresses(100, next));
      next += 100;
      // The narrowest window: the event is on disk, the set it describes not yet published.
      await syncKilledOnAppend();
      await expectHistoryMatchesPublished();
    }
    for (let round = 0; round < steps + 2; round++) {
      fake.add(manyAddresses(100, next));
      next += 100;
      const newest = fake.newestId;
      let pages = 0;
      const atPage = round < 2;
      await syncKilled((cursor) => (atPage ? ++pages === 1 : cursor === newest), atPage ? 0 : (tail * (round - 2)) / steps);
      await expectHistoryMatchesPublished();
    }
    const result = await runCli(['-c', configFile, 'sync'], { env: env(), timeoutMs: 60_000 });
    expect(result.code, result.stderr).to.equal(0);
    expect((await expectHistoryMatchesPublished()).kept).to.be.greaterThan(1);
    expect((await readPublishedFile(stateDir))?.bans.size).to.equal(next);
  });
});
