import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { formatPrefix } from '../../src/banset/address.js';
import { StateError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { computePublishedSet, createSyncService, type SyncService } from '../../src/sync/service.js';
import { readStateFile } from '../../src/sync/store.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { captureLog } from '../apiban/capture-log.js';
import { DAY, manyAddresses, movableClock, tempDir, testConfig } from './support.js';
import { present } from '../helpers/present.js';

function published(service: SyncService): string[] {
  return Array.from(service.current()?.bans.prefixes() ?? [], (p) => formatPrefix(p));
}

describe('sync/service end to end against the fake APIBAN', function () {
  this.timeout(20_000);
  let fake: FakeApiban;
  let dir: ReturnType<typeof tempDir>;
  let service: SyncService | undefined;
  // The pacer waits in virtual time, which the fake's window shares: 25 paced requests per sync cost nothing.
  let clock: ReturnType<typeof movableClock>;
  const config = (raw: Record<string, unknown> = {}) =>
    testConfig(dir.path, { ...raw, apiban: { key: fake.key, baseUrl: fake.url, ...(raw.apiban as object | undefined) } });

  beforeEach(async () => {
    dir = tempDir();
    clock = movableClock();
    fake = await startFakeApiban({ addresses: manyAddresses(6000), limit: { requests: 10, windowMs: 200 }, now: clock.now });
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    await fake.close();
    dir.remove();
  });

  it('downloads 6,000 addresses in 24 pages, paced under the window, and publishes them', async () => {
    const outcomes: string[] = [];
    service = await createSyncService(config(), silentLogger, { onApibanRequest: (o) => outcomes.push(o) }, clock);
    expect(service.current()).to.equal(undefined);
    const report = await service.sync();
    expect(report).to.include({
      ok: true,
      full: true,
      pages: 24,
      requests: 25,
      received: 6000,
      added: 6000,
      expired: 0,
      size: 6000,
      changed: true,
    });
    expect(report.published?.source).to.equal('apiban');
    expect(report.published?.cursor).to.equal(fake.newestId);
    expect(new Set(published(service))).to.deep.equal(new Set(manyAddresses(6000)));
    expect(outcomes.filter((o) => o === 'page')).to.have.length(24);
    expect(outcomes.at(-1)).to.equal('caught-up');
    expect(fake.requests.map((r) => r.status)).not.to.include(429);
    const times = fake.requests.map((r) => r.time);
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 200).length).to.be.at.most(10);
  });

  it('continues incrementally from the saved cursor after the fake lists more', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    await service.sync();
    const cursor = fake.newestId;
    fake.add(manyAddresses(300, 6000));
    const before = fake.requests.length;
    const report = await service.sync();
    expect(report).to.include({ ok: true, full: false, pages: 2, added: 300, size: 6300, changed: true });
    expect(fake.requests[before].cursor).to.equal(cursor);
    const again = await service.sync();
    expect(again).to.include({ ok: true, pages: 0, requests: 1, added: 0, changed: false });
  });

  it('expires entries 7 days after APIBAN last listed them', async () => {
    service = await createSyncService(config({ sync: { fullResync: '30d' } }), silentLogger, {}, clock);
    await service.sync();
    clock.advance(3 * DAY);
    fake.add(['192.0.2.77', manyAddresses(1)[0]]);
    await service.sync();
    clock.advance(4 * DAY + 1000);
    const report = await service.sync({ force: true });
    expect(report).to.include({ ok: true, full: false, expired: 5999, size: 2 });
    expect(published(service)).to.deep.equal([manyAddresses(1)[0], '192.0.2.77'].sort());
  });

  it('runs a full resync after 7 days and swaps the set only once it completes', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock, { retryDelayMs: 1 });
    await service.sync();
    const firstSeen = (await readStateFile(dir.path))?.entries.get(manyAddresses(6000)[5999])?.firstSeen;
    fake.remove(manyAddresses(1000));
    clock.advance(7 * DAY);
    const pagesBefore = fake.pages().length;
    fake.onRequest = () => {
      if (fake.pages().length === pagesBefore + 4) fake.fail('5xx');
    };
    const broken = await service.sync();
    expect(broken).to.include({ ok: false, full: true, pages: 4, errorKind: 'apiban', size: 6000 });
    expect(published(service)).to.have.length(6000);
    expect((await computePublishedSet(config(), silentLogger)).bans.size).to.equal(6000);
    const saved = await readStateFile(dir.path);
    expect(saved?.fullResync?.entries.size).to.equal(1000);
    expect(broken.error).to.equal(`[apiban] v2 get from cursor ${saved?.fullResync?.cursor}: server error 503`);

    fake.heal();
    fake.onRequest = undefined;
    const resumeFrom = saved?.fullResync?.cursor;
    const before = fake.requests.length;
    const report = await service.sync();
    expect(fake.requests[before].cursor).to.equal(resumeFrom);
    expect(report).to.include({ ok: true, full: true, pages: 16, size: 5000, expired: 1000, changed: true });
    const state = await readStateFile(dir.path);
    expect(state?.fullResync).to.equal(undefined);
    expect(state?.entries.get(manyAddresses(6000)[5999])?.firstSeen).to.equal(firstSeen);
  });

  it('drops hostile entries and sentinels, counts them, and never publishes them', async () => {
    const hostile = ['192.0.2.1\nend', '192.0.2.1; reload', 'no new bans', '', ' 192.0.2.9', '10.0.0.1', '0.0.0.0/0'];
    fake.add(hostile);
    const { log, text } = captureLog();
    service = await createSyncService(config(), log, {}, clock);
    const report = await service.sync();
    expect(report).to.include({ ok: true, invalid: 5, size: 6000 });
    const policy = report.published?.report;
    expect(policy).to.include({ protectedHits: 1, tooWide: 1 });
    const expected = new Set(manyAddresses(6000));
    expect(published(service).filter((p) => !expected.has(p))).to.deep.equal([]);
    expect(text()).to.include('APIBAN sent entries that are not addresses');
    expect(text()).not.to.include('192.0.2.1\nend');
  });

  it('keeps the last good set when APIBAN answers 403, and keeps the key out of the report', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    await service.sync();
    await service.close();
    const wrongKey = 'revoked-key-5f5f5f5f5f';
    service = await createSyncService(config({ apiban: { key: wrongKey, version: 'v1' } }), silentLogger, {}, clock);
    expect(published(service)).to.have.length(6000);
    const report = await service.sync();
    expect(report).to.include({ ok: false, errorKind: 'apiban', error: '[apiban] 403 unauthorized: check APIBAN_KEY', size: 6000 });
    expect(report.published?.bans.size).to.equal(6000);
    expect(JSON.stringify({ ...report, published: undefined })).not.to.include(wrongKey);
    expect(JSON.stringify(await readStateFile(dir.path))).not.to.include(wrongKey);
  });

  it('refuses to publish a set that shrank past the guard unless forced', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    await service.sync();
    fake.remove(manyAddresses(5000));
    const refused = await service.sync({ full: true });
    expect(refused).to.include({ ok: false, errorKind: 'guard', size: 6000 });
    expect(refused.error).to.match(/^\[guard\] sync: refusing to shrink from 6000 to 1000/);
    expect(published(service)).to.have.length(6000);
    const forced = await service.sync({ force: true });
    expect(forced).to.include({ ok: true, size: 1000 });
  });

  it('stops on abort, keeps the pages it saved, and resumes on the next call', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    const controller = new AbortController();
    fake.onRequest = () => {
      if (fake.pages().length === 5) controller.abort();
    };
    const aborted = await service.sync({ signal: controller.signal });
    expect(aborted).to.include({ ok: false, errorKind: 'aborted', pages: 4 });
    fake.onRequest = undefined;
    const before = fake.requests.length;
    const resumed = await service.sync();
    expect(resumed).to.include({ ok: true, full: true, pages: 20, size: 6000 });
    expect(fake.requests[before].cursor).to.equal(fake.requests[before - 1].cursor);
  });

  it('shares one run between concurrent calls', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    const [a, b] = await Promise.all([service.sync(), service.sync()]);
    expect(a).to.equal(b);
    expect(fake.requests).to.have.length(25);
  });

  it('shares the lock within one process (serve reloads without a gap) and holds it until the last handle closes', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    const second = await createSyncService(config(), silentLogger, {}, clock);
    const owner = JSON.parse(readFileSync(join(dir.path, 'owner.json'), 'utf8')) as { pid: number };
    expect(owner.pid).to.equal(process.pid);
    await second.close();
    expect(existsSync(join(dir.path, 'owner.json')), 'still held by the first handle').to.equal(true);
    await service.close();
    service = undefined;
    expect(existsSync(join(dir.path, 'owner.json'))).to.equal(false);
  });

  it('moves a corrupt state file aside and rebuilds with a full download', async () => {
    service = await createSyncService(config(), silentLogger, {}, clock);
    await service.sync();
    await service.close();
    writeFileSync(join(dir.path, 'state.json'), '{"format":"apiban-exporter/state","version":1,"entries":{"addresses":["198.18');
    const { log, text } = captureLog();
    service = await createSyncService(config(), log, {}, clock);
    expect(readdirSync(dir.path).some((n) => n.startsWith('state.json.corrupt-'))).to.equal(true);
    expect(text()).to.include('state file is corrupt');
    const report = await service.sync();
    expect(report).to.include({ ok: true, full: true, size: 6000, changed: false });
  });
});

describe('sync/service without a key and with local sources', function () {
  this.timeout(10_000);
  let dir: ReturnType<typeof tempDir>;
  let service: SyncService | undefined;
  let listServer: Server | undefined;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    listServer?.closeAllConnections();
    await new Promise((resolve) => (listServer ? listServer.close(resolve) : resolve(undefined)));
    listServer = undefined;
    dir.remove();
  });

  it('refuses to publish anything with no key and no source (never the sample unasked)', async () => {
    service = await createSyncService(testConfig(dir.path, { apiban: { baseUrl: 'http://127.0.0.1:9' } }), silentLogger);
    const report = await service.sync();
    expect(report).to.include({ ok: false, errorKind: 'config', requests: 0 });
    expect(report.error).to.include('no APIBAN key and no sources');
    expect(existsSync(join(dir.path, 'published.json'))).to.equal(false);
  });

  it('publishes the bundled sample a source asks for, with no key and no network', async () => {
    const { log, text } = captureLog();
    const sample = { sources: [{ name: 'sample', sample: true }] };
    service = await createSyncService(testConfig(dir.path, { ...sample, apiban: { baseUrl: 'http://127.0.0.1:9' } }), log);
    const report = await service.sync();
    expect(report).to.include({ ok: true, requests: 0, changed: true });
    expect(report.published?.source).to.equal('sample');
    expect(report.size).to.be.within(30, 60);
    for (const p of published(service)) expect(p).to.match(/^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|2001:db8:)/);
    expect(text()).to.include('bundled sample list');
    const exported = await computePublishedSet(testConfig(dir.path, sample), silentLogger);
    expect(exported.bans.equals(present(service.current(), 'a published set').bans)).to.equal(true);
  });

  it('asks for a sync when a key is set but nothing was synced yet', async () => {
    let error: unknown;
    try {
      await computePublishedSet(testConfig(dir.path, { apiban: { key: 'k-123456' } }), silentLogger);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StateError);
    expect((error as Error).message).to.include('run `apiban-exporter sync` first');
  });

  it("merges file and URL sources, applies allowlist files, and keeps a failing source's last good copy", async () => {
    const file = join(dir.path, 'manual.txt');
    writeFileSync(file, '# our own bans\n203.0.113.50\n; comment\n\n203.0.113.51 # pbx2\nnot-an-address\n');
    const allow = join(dir.path, 'allow.txt');
    writeFileSync(allow, '192.0.2.10\n');
    listServer = createServer((_req, res) => {
      res.end('198.51.100.150\n2001:db8:ffff::1\n');
    });
    await new Promise<void>((resolve) => present(listServer, 'the list server').listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(listServer.address() as AddressInfo).port}/list.txt`;
    const loaded = testConfig(join(dir.path, 'state'), {
      sources: [
        { name: 'manual', file },
        { name: 'remote', url },
      ],
      policy: { allowlistFiles: [allow] },
    });
    service = await createSyncService(loaded, silentLogger);
    const first = await service.sync();
    expect(first.ok).to.equal(true);
    expect(first.sources?.map((s) => s.ok)).to.deep.equal([true, true]);
    const bans = published(service);
    for (const entry of ['203.0.113.50', '203.0.113.51', '198.51.100.150', '2001:db8:ffff::1']) expect(bans).to.include(entry);
    expect(bans).not.to.include('192.0.2.10');
    expect(first.published?.report.invalid).to.equal(1);

    listServer.closeAllConnections();
    await new Promise((resolve) => present(listServer, 'the list server').close(resolve));
    listServer = undefined;
    const second = await service.sync();
    expect(second.ok).to.equal(true);
    expect(second.sources?.[1]).to.include({ name: 'remote', ok: false, fromCache: true });
    expect(published(service)).to.include('198.51.100.150');
  });

  it('stops publishing when an allowlist file cannot be read', async () => {
    service = await createSyncService(
      testConfig(dir.path, { sources: [{ name: 'sample', sample: true }], policy: { allowlistFiles: [join(dir.path, 'missing.txt')] } }),
      silentLogger,
    );
    const report = await service.sync();
    expect(report).to.include({ ok: false, errorKind: 'config' });
    expect(report.error).to.include('cannot read');
    expect(existsSync(join(dir.path, 'published.json'))).to.equal(false);
  });
});
