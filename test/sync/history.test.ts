import { expect } from 'chai';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { parsePrefix } from '../../src/banset/address.js';
import { BanSet, createBanSet } from '../../src/banset/banset.js';
import { silentLogger } from '../../src/log.js';
import { changeEvent, MAX_LISTED, removedList, setDigest, type HistoryEvent } from '../../src/sync/history/event.js';
import { historyPath, parseHistory, readHistoryText } from '../../src/sync/history/read.js';
import { SyncHistory } from '../../src/sync/history/sync-history.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { DAY, manyAddresses, tempDir, testConfig } from './support.js';
import { replayHistory } from './history-support.js';

const set = (...entries: string[]) => createBanSet(entries.map(parsePrefix));
const NOW = Date.parse('2026-11-01T00:00:00Z');

describe('sync/history: the event of one sync', () => {
  it('lists what came and why each address went: expired, dropped by a full resync, excluded by the policy', () => {
    const before = set('192.0.2.1', '192.0.2.2', '192.0.2.3');
    const after = set('192.0.2.3', '2001:db8::1');
    const incremental = changeEvent({ now: NOW, kind: 'incremental', before, after, stillListed: (p) => p === '192.0.2.2' });
    expect(incremental).to.include({
      kind: 'incremental',
      ok: true,
      size: 2,
      v4: 1,
      v6: 1,
      addedCount: 1,
      removedCount: 2,
      before: setDigest(before),
      after: setDigest(after),
    });
    expect(incremental.added).to.deep.equal(['2001:db8::1']);
    expect(incremental.removed).to.deep.equal({ expired: ['192.0.2.1'], excluded: ['192.0.2.2'] });
    const full = changeEvent({ now: NOW, kind: 'full', before, after, stillListed: () => false });
    expect(removedList(full)).to.deep.equal([
      { prefix: '192.0.2.1', reason: 'resync' },
      { prefix: '192.0.2.2', reason: 'resync' },
    ]);
  });

  it('cuts the lists of a huge change at MAX_LISTED and keeps the counts exact', () => {
    const after = createBanSet(manyAddresses(MAX_LISTED + 5).map(parsePrefix));
    const event = changeEvent({ now: NOW, kind: 'full', before: BanSet.EMPTY, after, stillListed: () => false });
    expect(event.added).to.have.length(MAX_LISTED);
    expect(event).to.include({ addedCount: MAX_LISTED + 5, truncated: true });
  });
});

describe('sync/history: reading back what a crash left', () => {
  const a = set('192.0.2.1');
  const b = set('192.0.2.1', '192.0.2.2');
  const c = set('192.0.2.1', '192.0.2.9');
  const line = (before: BanSet, after: BanSet, at = NOW) =>
    JSON.stringify(changeEvent({ now: at, kind: 'incremental', before, after, stillListed: () => false }));

  it('skips a torn last line and a repeated line', () => {
    const first = line(BanSet.EMPTY, a);
    const events = parseHistory(`${first}\n${first}\n${line(a, b).slice(0, 40)}`);
    expect(events).to.have.length(1);
  });

  it('drops an event whose set was never published, whether another sync followed it or not', () => {
    const written = [line(BanSet.EMPTY, a), line(a, b), line(a, c)].join('\n');
    expect(parseHistory(written).map((e) => e.added)).to.deep.equal([['192.0.2.1'], ['192.0.2.9']]);
    expect(parseHistory(`${line(BanSet.EMPTY, a)}\n${line(a, b)}\n`, setDigest(a))).to.have.length(1);
    expect(parseHistory(`${line(BanSet.EMPTY, a)}\n${line(a, b)}\n`, setDigest(b))).to.have.length(2);
  });

  it('keeps a genuine break in the chain (state lost, then rebuilt) instead of dropping history', () => {
    const events = parseHistory([line(BanSet.EMPTY, a), line(a, b), line(BanSet.EMPTY, c)].join('\n'));
    expect(events).to.have.length(3);
  });
});

describe('sync/history: the file', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('appends after a torn line without gluing onto it, and a reopen cleans the file', async () => {
    const history = await SyncHistory.open(dir.path, { retentionMs: 30 * DAY }, silentLogger, undefined, NOW);
    await history.recordSuccess(BanSet.EMPTY, set('192.0.2.1'), 'full', () => false, NOW);
    appendFileSync(historyPath(dir.path), '{"id":"torn","at":"2026');
    await history.recordSuccess(set('192.0.2.1'), set('192.0.2.1', '192.0.2.2'), 'incremental', () => false, NOW + 1);
    expect(replayHistory(parseHistory(await readHistoryText(dir.path)))).to.deep.equal(['192.0.2.1', '192.0.2.2']);
    await SyncHistory.open(dir.path, { retentionMs: 30 * DAY }, silentLogger, set('192.0.2.1', '192.0.2.2'), NOW + 2);
    expect(readFileSync(historyPath(dir.path), 'utf8')).not.to.include('torn');
    expect(readFileSync(historyPath(dir.path), 'utf8').split('\n').filter(Boolean)).to.have.length(2);
  });

  it('drops events older than sync.history and stays under its byte budget, oldest first', async () => {
    const old = changeEvent({ now: NOW - 40 * DAY, kind: 'full', before: BanSet.EMPTY, after: set('192.0.2.1'), stillListed: () => false });
    writeFileSync(historyPath(dir.path), `${JSON.stringify(old)}\n`);
    const history = await SyncHistory.open(dir.path, { retentionMs: 30 * DAY, maxBytes: 4000 }, silentLogger, set('192.0.2.1'), NOW);
    expect(await readHistoryText(dir.path)).to.equal('');
    let before = set('192.0.2.1');
    for (let i = 2; i < 40; i++) {
      const after = set('192.0.2.1', `192.0.2.${i}`);
      await history.recordSuccess(before, after, 'incremental', () => false, NOW + i);
      before = after;
    }
    const text = await readHistoryText(dir.path);
    expect(Buffer.byteLength(text)).to.be.at.most(4000);
    const events = parseHistory(text);
    expect(events.at(-1)?.added).to.deep.equal(['192.0.2.39']);
    expect(events.length).to.be.greaterThan(5).and.lessThan(38);
  });
});

describe('sync/history: recorded by the sync service', function () {
  this.timeout(20_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let service: SyncService | undefined;
  const config = (raw: Record<string, unknown> = {}) => testConfig(dir.path, { ...raw, apiban: { key: fake.key, baseUrl: fake.url } });
  const events = async (): Promise<HistoryEvent[]> => parseHistory(await readHistoryText(dir.path));

  beforeEach(async () => {
    dir = tempDir();
    fake = await startFakeApiban({ addresses: manyAddresses(600) });
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    await fake.close();
    dir.remove();
  });

  it('records a full sync, an incremental one, a failure and an allowlisting, and replays to the published set', async () => {
    service = await createSyncService(config(), silentLogger, {}, undefined, { retryDelayMs: 5 });
    await service.sync();
    fake.add(['203.0.113.7']);
    await service.sync();
    fake.fail('5xx');
    expect((await service.sync()).ok).to.equal(false);
    fake.heal();
    await service.close();
    service = await createSyncService(config({ policy: { allowlist: ['198.18.0.5'] } }), silentLogger);
    await service.sync();
    const history = await events();
    expect(history.map((e) => [e.kind, e.ok, e.addedCount, e.removedCount])).to.deep.equal([
      ['full', true, 600, 0],
      ['incremental', true, 1, 0],
      ['incremental', false, 0, 0],
      ['incremental', true, 0, 1],
    ]);
    expect(history[1].added).to.deep.equal(['203.0.113.7']);
    expect(history[2].error).to.match(/5\d\d|server/i);
    expect(history[3].removed).to.deep.equal({ excluded: ['198.18.0.5'] });
    const published = Array.from(service.current()?.bans.prefixes() ?? [], (p) => p);
    expect(replayHistory(history)).to.have.length(published.length).and.not.include('198.18.0.5');
  });
});
