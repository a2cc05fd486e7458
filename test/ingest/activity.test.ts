/**
 * What the edge did, as its watchers see it: serve in-process with the ingest (real listeners on
 * 127.0.0.1), a test clock, every outcome once, read back from /metrics, and the live bans and last
 * ban again after a restart on the same state directory (the counts since start begin at zero).
 */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExposition } from '../helpers/prom-lint.js';
import { fetchRaw } from '../serve/support.js';
import { call, type EdgeDaemon, removeDir, startEdgeDaemon, TestClock, TOKEN } from './support.js';

/** The value of one series on /metrics ("name{labels}"), or undefined when it is not there. */
async function series(base: string, name: string, labels: string): Promise<number | undefined> {
  const text = (await fetchRaw(`${base}/metrics`)).body.toString();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('edge ingest: what it did, on /metrics and across a restart', () => {
  let stateDir: string;
  let clock: TestClock;
  let serve: EdgeDaemon | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'edge-activity-'));
    clock = new TestClock(Date.now());
    serve = await startEdgeDaemon(stateDir, clock);
  });
  afterEach(async () => {
    await serve?.daemon.shutdown();
    await removeDir(stateDir);
  });

  /** Every outcome: two accepted and one expired (sbc1), one removed (sbc2), each refusal reason once. */
  async function everyOutcome(edge: string): Promise<void> {
    const from1 = { localAddress: '127.0.0.1' };
    expect((await call(`${edge}/blockip/198.51.100.7?ttl=10m`, from1)).status).to.equal(200);
    clock.at += 10;
    expect((await call(`${edge}/blockip/198.51.100.8?ttl=1`, from1)).status).to.equal(200);
    expect((await call(`${edge}/blockip/10.1.2.3`, from1)).status).to.equal(400); // protectedRange
    expect((await call(`${edge}/blockip/198.0.0.0%2F8`, from1)).status).to.equal(400); // minPrefixLength
    expect((await call(`${edge}/blockip/999.1.1.1`, from1)).status).to.equal(400); // invalid
    expect((await call(`${edge}/blockip/198.51.100.9?ttl=never`, from1)).status).to.equal(400); // ttl
    const from2 = { localAddress: '127.0.0.2' };
    expect((await call(`${edge}/blockip/192.0.2.50`, from2)).status).to.equal(200);
    expect((await call(`${edge}/removeip/192.0.2.50`, from2)).status).to.equal(200);
    expect((await call(`${edge}/t/wrong-token-0123456789/blockip/192.0.2.60`, { localAddress: '127.0.0.3' })).status).to.equal(403);
    expect((await call(`${edge}/blockip/192.0.2.61`, { localAddress: '127.0.0.9' })).status).to.equal(403);
    clock.at += 2000;
  }

  it('counts accepted, refused by reason, expired and removed per client, and the live bans', async () => {
    const { base, edge } = serve as EdgeDaemon;
    await everyOutcome(edge);
    const expected: Array<[string, string, number]> = [
      ['apiban_exporter_edge_live_bans', 'client="sbc1"', 1],
      ['apiban_exporter_edge_live_bans', 'client="sbc2"', 0],
      ['apiban_exporter_edge_bans_total', 'client="sbc1",outcome="accepted"', 2],
      ['apiban_exporter_edge_bans_total', 'client="sbc2",outcome="accepted"', 1],
      ['apiban_exporter_edge_expired_total', 'client="sbc1"', 1],
      ['apiban_exporter_edge_removed_total', 'client="sbc2"', 1],
      ['apiban_exporter_edge_removed_total', 'client="sbc1"', 0],
      ['apiban_exporter_edge_refused_total', 'client="sbc1",reason="protectedRange"', 1],
      ['apiban_exporter_edge_refused_total', 'client="sbc1",reason="minPrefixLength"', 1],
      ['apiban_exporter_edge_refused_total', 'client="sbc1",reason="invalid"', 1],
      ['apiban_exporter_edge_refused_total', 'client="sbc1",reason="ttl"', 1],
      ['apiban_exporter_edge_refused_total', 'client="sbc1",reason="allowlist"', 0],
      // A wrong token from a client's own address counts for that client; an address no client has, under (unknown).
      ['apiban_exporter_edge_refused_total', 'client="tokened",reason="forbidden"', 1],
      ['apiban_exporter_edge_refused_total', 'client="(unknown)",reason="forbidden"', 1],
    ];
    for (const [name, labels, value] of expected) expect(await series(base, name, labels), `${name}{${labels}}`).to.equal(value);
    const text = (await fetchRaw(`${base}/metrics`)).body.toString();
    expect(text).to.not.include(TOKEN).and.not.include('wrong-token').and.not.include('127.0.0.9');
    expect([...parseExposition(text, []).keys()].filter((n) => n.includes('_edge_'))).to.have.length(5);
  });

  it('keeps the live bans and each client last ban across a restart; the counts start again', async () => {
    await everyOutcome((serve as EdgeDaemon).edge);
    await serve?.daemon.shutdown();
    serve = await startEdgeDaemon(stateDir, clock);
    const { base } = serve;
    expect(await series(base, 'apiban_exporter_edge_live_bans', 'client="sbc1"')).to.equal(1);
    expect(await series(base, 'apiban_exporter_edge_bans_total', 'client="sbc1",outcome="accepted"')).to.equal(0);
    const status = JSON.parse((await fetchRaw(`${base}/status.json`)).body.toString());
    const byClient = Object.fromEntries(status.edge.map((c: { client: string }) => [c.client, c]));
    expect(byClient.sbc1).to.include({ live: 1, accepted: 0, expired: 0 });
    expect(byClient.sbc1.lastBan.ban).to.equal('198.51.100.8');
    expect(byClient.sbc2.lastBan.ban).to.equal('192.0.2.50');
    expect(byClient.tokened.lastBan).to.equal(null);
  });

  it('has no edge series at all when ingest is off', async () => {
    await serve?.daemon.shutdown();
    serve = undefined;
    const { startTestDaemon, ScriptedRunner, bansOf } = await import('../serve/support.js');
    const { daemon, base } = await startTestDaemon(new ScriptedRunner(bansOf('192.0.2.1')));
    try {
      await daemon.syncNow(); // the first sync, which start() began: the set's series come with it
      const text = (await fetchRaw(`${base}/metrics`)).body.toString();
      expect(text).to.include('apiban_exporter_bans{').and.not.include('_edge_');
    } finally {
      await daemon.shutdown();
    }
  });
});
