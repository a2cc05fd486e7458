/**
 * How a download ends decides whether a full resync may replace the active set: only APIBAN's
 * "caught up" does. A stuck cursor, the page limit and an error each leave the previous set (and
 * the partial snapshot, for the next run) in place and fail the sync. The client is scripted so
 * every ending is exact; test/sync/crash.slow.test.ts and the CLI test below use the fake APIBAN.
 */
import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApibanClient, PageResult } from '../../src/apiban/client.js';
import { ApibanError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { downloadBans } from '../../src/sync/engine.js';
import { emptyState, type SyncState } from '../../src/sync/sync-state.js';
import { readPublishedFile, readStateFile } from '../../src/sync/store.js';
import { runCli } from '../helpers/cli.js';
import { startFakeApiban } from '../helpers/fake-apiban.js';
import { DAY, manyAddresses, tempDir } from './support.js';

const NOW = 1_700_000_000_000;

function scripted(answers: Array<PageResult | Error>): ApibanClient {
  let call = 0;
  return {
    requests: 0,
    fetchPage: async () => {
      const answer = answers[Math.min(call++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    check: async () => ({ listed: false }),
    history: () => [],
    close: async () => undefined,
  };
}

/** 100 active entries from an earlier complete download, due for a full resync. */
function hundredEntries(): SyncState {
  const state = emptyState();
  for (const address of manyAddresses(100)) state.entries.set(address, { firstSeen: NOW - DAY, lastSeen: NOW - DAY });
  state.cursor = '1698000100';
  state.lastFullSync = NOW - 30 * DAY;
  return state;
}

async function run(state: SyncState, answers: Array<PageResult | Error>, maxPages?: number): Promise<unknown> {
  const ctx = {
    client: scripted(answers),
    state,
    save: async () => undefined,
    now: () => NOW,
    log: silentLogger,
    expiryMs: 7 * DAY,
    fullResyncMs: 7 * DAY,
    maxPages,
  };
  return downloadBans(ctx, {}).then(
    () => undefined,
    (error: unknown) => error,
  );
}

const page = (entries: string[], next: string): PageResult => ({ kind: 'page', entries, next });

describe('sync/engine: a full resync replaces the set only once caught up', () => {
  it('replaces the set when the feed says "caught up"', async () => {
    const state = hundredEntries();
    expect(await run(state, [page(['192.0.2.1'], '5'), { kind: 'caught-up' }])).to.equal(undefined);
    expect([...state.entries.keys()]).to.deep.equal(['192.0.2.1']);
    expect(state.fullResync).to.equal(undefined);
  });

  it('keeps the previous set and fails when the cursor stops moving', async () => {
    const state = hundredEntries();
    const error = await run(state, [page(['192.0.2.1'], '5'), page([], '5')]);
    expect(error).to.be.instanceOf(ApibanError);
    expect((error as Error).message).to.match(/full resync did not catch up: the cursor stopped moving at 5/);
    expect(state.entries.size).to.equal(100);
    expect(state.fullResync?.cursor).to.equal('5');
  });

  it('keeps the previous set and fails at the page limit', async () => {
    const state = hundredEntries();
    const pages = [1, 2, 3, 4].map((n) => page([`192.0.2.${n}`], String(n)));
    const error = await run(state, pages, 3);
    expect((error as Error).message).to.match(/limit of 3 pages at cursor 3/);
    expect(state.entries.size).to.equal(100);
    expect(state.fullResync?.entries.size).to.equal(3);
  });

  it('keeps the previous set when a page fails half way', async () => {
    const state = hundredEntries();
    const error = await run(state, [page(['192.0.2.1'], '5'), new ApibanError('server error 503', 503)]);
    expect((error as Error).message).to.include('server error 503');
    expect(state.entries.size).to.equal(100);
  });

  it('fails an incremental download whose cursor stops moving', async () => {
    const state = hundredEntries();
    state.lastFullSync = NOW;
    const error = await run(state, [page(['192.0.2.1'], '1698000100')]);
    expect((error as Error).message).to.match(/incremental download did not catch up/);
  });

  it('`sync --full` against a stuck feed exits 3 and keeps the published and saved set (real CLI)', async function () {
    this.timeout(60_000);
    const fake = await startFakeApiban({ addresses: manyAddresses(100) });
    const dir = tempDir();
    try {
      const configFile = join(dir.path, 'config.json');
      writeFileSync(configFile, JSON.stringify({ apiban: { baseUrl: fake.url, budget: { requests: 100, window: '1s' } } }));
      const env = { APIBAN_KEY: fake.key, APIBAN_STATE_DIR: join(dir.path, 'state') };
      expect((await runCli(['-c', configFile, 'sync'], { env })).code).to.equal(0);
      fake.fail('stuck');
      const result = await runCli(['-c', configFile, 'sync', '--full'], { env });
      expect(result.code, result.stderr).to.equal(3);
      expect(result.stdout + result.stderr).to.include('did not catch up');
      expect((await readStateFile(join(dir.path, 'state')))?.entries.size).to.equal(100);
      expect((await readPublishedFile(join(dir.path, 'state')))?.bans.size).to.equal(100);
    } finally {
      await fake.close();
      dir.remove();
    }
  });
});
