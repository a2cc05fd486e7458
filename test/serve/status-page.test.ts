/**
 * The status page of an in-process daemon (real listener, scripted sync runner), read over HTTP
 * as a viewer would: the verdict on top names every current problem and links to the part of the
 * page that explains it, "next sync" never shows a time already past, times are relative with
 * the UTC time in `title`, and every number on the page is the one /status.json gives; with the
 * edge ingest, a section per client, absent without it.
 */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceResult } from '../../src/fleet/device-result.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { SyncReport } from '../../src/sync/service.js';
import { waitFor } from '../helpers/serve-process.js';
import { call, type EdgeDaemon, removeDir, startEdgeDaemon, TestClock, TOKEN } from '../ingest/support.js';
import { ScriptedRunner, bansOf, fetchRaw, startTestDaemon } from './support.js';

const DEVICE = { name: 'edge1', driver: 'linux-nftables', host: '127.0.0.1', credentials: { username: 'u', passwordEnv: 'UNUSED_PW' } };

/** A runner whose next sync waits until `release()`: the page is read while the sync runs. */
class HeldRunner extends ScriptedRunner {
  private gate: { promise: Promise<void>; open: () => void } | undefined;

  hold(): void {
    let open = () => {};
    const promise = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { promise, open };
  }

  release(): void {
    this.gate?.open();
    this.gate = undefined;
  }

  override async sync(): Promise<SyncReport> {
    await this.gate?.promise;
    return super.sync();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: status.json walked by path; a wrong path fails the test
type Json = any;

describe('serve: the status page verdict and times', () => {
  let daemon: Runtime | undefined;
  let base = '';
  afterEach(async () => {
    await daemon?.shutdown();
    daemon = undefined;
  });

  async function start(runner: ScriptedRunner, raw: Record<string, unknown> = {}): Promise<void> {
    ({ daemon, base } = await startTestDaemon(runner, { outputs: [{ name: 'pfsense', target: 'pfsense' }], ...raw }));
    await daemon.syncNow();
  }
  async function read(): Promise<{ json: Json; html: string }> {
    const json = JSON.parse((await fetchRaw(`${base}/status.json`)).body.toString());
    const html = (await fetchRaw(`${base}/`)).body.toString();
    return { json, html };
  }
  /** The verdict paragraph's markup. */
  function verdictOf(html: string): string {
    return /<p id="verdict"[^>]*>.*?<\/p>/.exec(html)?.[0] ?? '';
  }
  function innerOf(html: string, id: string): string {
    return new RegExp(`id="${id}"[^>]*>(.*?)</td>`).exec(html)?.[1] ?? '';
  }

  it('is green with nothing wrong, and says what is right', async () => {
    await start(new ScriptedRunner(bansOf('192.0.2.1', '198.51.100.0/24')));
    const { json, html } = await read();
    expect(json.verdict).to.deep.equal({ level: 'ok', problems: [] });
    expect(verdictOf(html)).to.include('class="verdict ok"').and.include('All good: 2 entries, synced just now; 1 output fetched');
  });

  it('says APIBAN was not asked because no key is configured, rather than "not yet"', async () => {
    await start(new ScriptedRunner(bansOf('192.0.2.1')));
    expect(innerOf((await read()).html, 'apiban-last')).to.equal('no key configured: local sources only');
    await daemon?.shutdown();
    await start(new ScriptedRunner(bansOf('192.0.2.1')), { apiban: { key: 'status-test-key-0001' } });
    expect(innerOf((await read()).html, 'apiban-last')).to.equal('not yet');
  });

  it('names every problem, red before amber, each linking to an element of the page', async () => {
    const runner = new ScriptedRunner(bansOf('192.0.2.1'));
    await start(runner, {
      serve: { maxAge: '1ms', status: { staleFetchAfter: '1ms' } },
      push: { devices: [DEVICE] },
    });
    runner.failing = true;
    await daemon?.syncNow();
    daemon?.serving?.apibanAnswered('error');
    const failed: DeviceResult = {
      device: 'edge1',
      driver: 'linux-nftables',
      added: 0,
      removed: 0,
      sent: 0,
      durationMs: 3,
      result: 'failed',
      error: 'connection refused',
    };
    daemon?.serving?.pushed([failed]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { json, html } = await read();
    expect(json.verdict.level).to.equal('bad');
    expect(json.verdict.problems.map((p: Json) => [p.level, p.text, p.section])).to.deep.equal([
      ['bad', 'the set is older than serve.maxAge', 'set-synced'],
      ['warn', 'syncs failing', 'last-sync'],
      ['warn', 'APIBAN unreachable', 'apiban-last'],
      ['bad', 'devices whose push failed', 'device-edge1'],
      ['warn', 'outputs no client fetched since start', 'output-pfsense'],
    ]);
    const verdict = verdictOf(html);
    expect(verdict).to.include('class="verdict bad"').and.include('Action needed:');
    for (const problem of json.verdict.problems) {
      expect(verdict).to.include(`href="#${problem.section}"`);
      expect(html, `the target of #${problem.section}`).to.match(new RegExp(`id="${problem.section}"`));
    }
    expect(verdict).to.include('devices whose push failed: <a href="#device-edge1">edge1</a>');
    expect(innerOf(html, 'last-sync')).to.include('failed').and.include('[apiban] 503 from the test').and.include('failing for');
    expect(json.syncFailingSince).to.be.a('string');
  });

  it('reports the guard refusing (red) instead of a failing sync', async () => {
    const runner = new ScriptedRunner(bansOf('192.0.2.1'));
    await start(runner);
    runner.sync = async () => ({
      ok: false,
      full: false,
      requests: 1,
      pages: 1,
      received: 0,
      added: 0,
      expired: 0,
      size: 1,
      durationMs: 1,
      changed: false,
      error: '[guard] the set would shrink by 90%',
    });
    await daemon?.syncNow();
    const { json, html } = await read();
    expect(json.verdict.problems.map((p: Json) => [p.level, p.text, p.section])).to.deep.equal([
      ['bad', 'the guard refuses to publish the new set', 'guard'],
    ]);
    expect(innerOf(html, 'guard')).to.include('refusing').and.include('shrink by 90%');
  });

  it('never shows a past time as the next sync: a running sync, and one retrying APIBAN, say so', async () => {
    const runner = new HeldRunner(bansOf('192.0.2.1'));
    await start(runner);
    let { json, html } = await read();
    expect(Date.parse(json.nextSyncAt)).to.be.greaterThan(Date.parse(json.generatedAt));
    expect(innerOf(html, 'next-sync')).to.match(/^<time datetime="[^"]+" title="[^"]+ UTC">in 5 min<\/time>$/);

    runner.hold();
    const running = daemon?.syncNow();
    ({ json, html } = await read());
    expect(json.nextSyncAt).to.equal(null);
    expect(json.syncRunning).to.include({ retrying: false });
    expect(innerOf(html, 'next-sync')).to.match(/^running now \(started <time [^>]+>just now<\/time>\)$/);

    daemon?.serving?.apibanAnswered('rate-limited');
    ({ json, html } = await read());
    expect(json.syncRunning).to.include({ retrying: true });
    expect(innerOf(html, 'next-sync')).to.include('retrying').and.include('APIBAN answered rate-limited');
    runner.release();
    await running;
    ({ json, html } = await read());
    expect(json.syncRunning).to.equal(null);
    expect(Date.parse(json.nextSyncAt)).to.be.greaterThan(Date.parse(json.generatedAt));
  });

  it('shows times relative, with the UTC time in the title and the instant in datetime, and says they are UTC', async () => {
    await start(new ScriptedRunner(bansOf('192.0.2.1')));
    const { json, html } = await read();
    const synced = innerOf(html, 'set-synced');
    const time = /<time datetime="([^"]+)" title="([^"]+)">([^<]+)<\/time>/.exec(synced);
    expect(time?.[1]).to.equal(json.set.syncedAt);
    expect(time?.[2]).to.equal(`${json.set.syncedAt.slice(0, 19).replace('T', ' ')} UTC`);
    expect(time?.[3]).to.equal('just now');
    expect(html).to.include('<span id="tz">hover a time for it in UTC</span>');
    expect(html, 'no raw ISO time in the text').not.to.match(/>[^<]*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z[^<]*</);
  });
  it('shows who fetches an output polled as pfSense polls it, and turns amber for the output nobody polls', async () => {
    await start(new ScriptedRunner(bansOf('192.0.2.1')), {
      outputs: [
        { name: 'pfsense', target: 'pfsense' },
        { name: 'edl', target: 'paloalto-edl' },
      ],
      serve: { outputAccess: { pfsense: { pathToken: { token: 'pf-token-1234abcd5678' } } }, status: { staleFetchAfter: '300ms' } },
    });
    const fetches = async (name: string) => (await read()).json.outputs.find((o: Json) => o.name === name).fetches;
    await waitFor(async () => (await fetches('edl')).stale, 'the output nobody polls to go stale');
    const url = `${base}/t/pf-token-1234abcd5678/pfsense.txt`;
    const before = Date.now();
    const plain = await fetchRaw(url);
    expect(plain.status).to.equal(200);
    expect((await fetchRaw(url, { headers: { 'if-none-match': String(plain.headers.etag) } })).status).to.equal(304);
    expect((await fetchRaw(url, { headers: { 'if-modified-since': String(plain.headers['last-modified']) } })).status).to.equal(304);
    expect((await fetchRaw(`${base}/t/wrong/pfsense.txt`, { localAddress: '127.0.0.2' })).status).to.equal(404);

    const { json, html } = await read();
    const pfsense = json.outputs.find((o: Json) => o.name === 'pfsense').fetches;
    expect(pfsense).to.include({ ok: 1, notModified: 2, refused: 1, other: 0 });
    expect(Date.parse(pfsense.lastFetchAt)).to.be.at.least(before);
    expect(pfsense.clients.map((c: Json) => [c.address, c.requests, c.lastStatus])).to.deep.equal([
      ['127.0.0.2', 1, 404],
      ['127.0.0.1', 3, 304],
    ]);
    expect(json.verdict.level).to.equal('warn');
    expect(json.verdict.problems.map((p: Json) => p.section)).to.include('output-edl');
    expect(html).to.include('<code class="client">127.0.0.2</code>').and.include('<code class="client">127.0.0.1</code>');
    expect(html).to.include(`<time datetime="${pfsense.lastFetchAt}"`);
    const metrics = (await fetchRaw(`${base}/metrics`)).body.toString();
    expect(metrics).to.include(
      `apiban_exporter_output_last_fetch_timestamp_seconds{output="pfsense"} ${Date.parse(pfsense.lastFetchAt) / 1000}`,
    );
    expect(metrics).not.to.include('apiban_exporter_output_last_fetch_timestamp_seconds{output="edl"}');
  });
});

describe('serve: the status page edge bans section', () => {
  let stateDir: string;
  let serve: EdgeDaemon | undefined;
  afterEach(async () => {
    await serve?.daemon.shutdown();
    serve = undefined;
    await removeDir(stateDir);
  });

  it('shows each client: live bans, last ban, refused by rule, expired, as /status.json gives them', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'status-edge-'));
    const clock = new TestClock(Date.now());
    serve = await startEdgeDaemon(stateDir, clock);
    const { base, edge } = serve;
    await call(`${edge}/blockip/198.51.100.7?ttl=10m`);
    clock.at += 10;
    await call(`${edge}/blockip/198.51.100.8?ttl=1`);
    await call(`${edge}/blockip/10.1.2.3`);
    await call(`${edge}/blockip/10.1.2.4`);
    await call(`${edge}/blockip/not-an-address`);
    await call(`${edge}/blockip/192.0.2.61`, { localAddress: '127.0.0.9' });
    clock.at += 2000;
    const json = JSON.parse((await fetchRaw(`${base}/status.json`)).body.toString());
    const html = (await fetchRaw(`${base}/`)).body.toString();
    expect(json.edge.map((c: Json) => c.client)).to.deep.equal(['sbc1', 'sbc2', 'tokened', '(unknown)']);
    const [sbc1, sbc2] = json.edge;
    expect(sbc1).to.deep.include({ live: 1, accepted: 2, expired: 1, removed: 0, refused: { protectedRange: 2, invalid: 1 } });
    expect(sbc1.lastBan).to.include({ ban: '198.51.100.8', at: new Date(clock.at - 2000).toISOString() });
    expect(sbc2).to.deep.equal({ client: 'sbc2', live: 0, lastBan: null, accepted: 0, refused: {}, expired: 0, removed: 0 });
    expect(json.edge[3].refused).to.deep.equal({ forbidden: 1 });
    const row = (client: string) =>
      new RegExp(`<tr data-edge-client="${client.replace(/[()]/g, '\\$&')}">(.*?)</tr>`).exec(html)?.[1] ?? '';
    const cells = (client: string) => [...row(client).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
    expect(html).to.include('<h2 id="h-edge">Edge bans</h2>');
    const [name, live, last, accepted, refused, expired, removed] = cells('sbc1');
    expect([name, live, accepted, refused, expired, removed]).to.deep.equal(['sbc1', '1', '2', 'protectedRange 2, invalid 1', '1', '0']);
    // The page's clock is the real one (the ingest's is 2 s ahead): the times, not their wording.
    expect(last).to.match(
      new RegExp(
        `^<code>198\\.51\\.100\\.8</code> <time datetime="${sbc1.lastBan.at}" title="[^"]+ UTC">.*, (expires|ended) <time datetime="${sbc1.lastBan.expiresAt}"`,
      ),
    );
    expect(cells('sbc2')[2]).to.equal('none yet');
    expect(cells('(unknown)')[4]).to.equal('forbidden 1');
    expect(`${html}${JSON.stringify(json)}`).to.not.include(TOKEN);
  });

  it('has no edge section when ingest is off', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'status-edge-'));
    const { daemon, base } = await startTestDaemon(new ScriptedRunner(bansOf('192.0.2.1')));
    try {
      expect(JSON.parse((await fetchRaw(`${base}/status.json`)).body.toString()).edge).to.equal(null);
      expect((await fetchRaw(`${base}/`)).body.toString()).to.not.include('Edge bans');
    } finally {
      await daemon.shutdown();
    }
  });
});
