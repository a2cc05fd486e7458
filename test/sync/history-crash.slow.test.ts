/**
 * The sync history across kill -9: the real CLI, killed while it pages through APIBAN and at
 * increasing delays after APIBAN's last answer (while it computes, appends the event, publishes
 * and saves the state). After every kill, and after a clean sync at the end, replaying the
 * history from an empty set gives exactly the published set: no address added twice, none
 * removed that was not added, none missing.
 */
import { expect } from 'chai';
import { watch } from 'node:fs';
import { formatPrefix } from '../../src/banset/address.js';
import { setDigest } from '../../src/sync/history/event.js';
import { parseHistory, readHistoryText } from '../../src/sync/history/read.js';
import { readPublishedFile } from '../../src/sync/store.js';
import { replayHistory } from './history-support.js';
import { manyAddresses } from './support.js';
import { useSyncChild } from './sync-child.js';

describe('sync history survives kill -9 (child processes)', function () {
  this.timeout(120_000);
  const fixture = useSyncChild(1500, 1000);

  /** Starts `sync` and SIGKILLs it `delayMs` after `when` says the moment has come. */
  async function syncKilled(when: (cursor: string | undefined) => boolean, delayMs: number): Promise<string | null> {
    const child = fixture.start();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    fixture.fake.onRequest = (request) => {
      if (when(request.cursor)) setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const signal = await exited;
    fixture.fake.onRequest = undefined;
    return signal;
  }

  /** Checks the replay; `raw` counts the lines, `kept` the events that stand (a pending one is dropped). */
  async function expectHistoryMatchesPublished(): Promise<{ raw: number; kept: number }> {
    const published = await readPublishedFile(fixture.stateDir);
    const events = parseHistory(await readHistoryText(fixture.stateDir), published === undefined ? undefined : setDigest(published.bans));
    const held = published === undefined ? [] : Array.from(published.bans.prefixes(), (p) => formatPrefix(p)).sort();
    const raw = (await readHistoryText(fixture.stateDir)).split('\n').filter(Boolean).length;
    expect(replayHistory(events)).to.deep.equal(held);
    return { raw, kept: events.length };
  }

  /** Starts `sync` and SIGKILLs it the moment the history file changes. */
  async function syncKilledOnAppend(): Promise<void> {
    const child = fixture.start();
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const watcher = watch(fixture.stateDir, (_event, name) => {
      if (name === 'history.jsonl') child.kill('SIGKILL');
    });
    await exited;
    watcher.close();
  }

  /** How long the CLI runs after APIBAN's last answer, so the kills can be spread over that time. */
  async function tailOfCleanSync(): Promise<number> {
    let caughtUp = 0;
    const newest = fixture.fake.newestId;
    fixture.fake.onRequest = (request) => {
      if (request.cursor === newest) caughtUp = performance.now();
    };
    const result = await fixture.run();
    fixture.fake.onRequest = undefined;
    expect(result.code, result.stderr).to.equal(0);
    return performance.now() - caughtUp;
  }

  it('replays to the published set after kills during paging and all along the publication', async () => {
    const tail = await tailOfCleanSync();
    let next = 1500;
    const steps = 8;
    for (let round = 0; round < 4; round++) {
      fixture.fake.add(manyAddresses(100, next));
      next += 100;
      // The narrowest window: the event is on disk, the set it describes not yet published.
      await syncKilledOnAppend();
      await expectHistoryMatchesPublished();
    }
    for (let round = 0; round < steps + 2; round++) {
      fixture.fake.add(manyAddresses(100, next));
      next += 100;
      const newest = fixture.fake.newestId;
      let pages = 0;
      const atPage = round < 2;
      await syncKilled((cursor) => (atPage ? ++pages === 1 : cursor === newest), atPage ? 0 : (tail * (round - 2)) / steps);
      await expectHistoryMatchesPublished();
    }
    const result = await fixture.run();
    expect(result.code, result.stderr).to.equal(0);
    expect((await expectHistoryMatchesPublished()).kept).to.be.greaterThan(1);
    expect((await readPublishedFile(fixture.stateDir))?.bans.size).to.equal(next);
  });
});
