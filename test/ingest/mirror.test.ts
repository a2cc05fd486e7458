/**
 * Edge bans in the APIBAN-compatible mirror (serve.mirror.includeEdge), and a replica whose
 * APIBAN is that mirror: a primary serve in-process with the edge endpoint and a scripted APIBAN,
 * a replica serve in-process running the real sync service against the primary on 127.0.0.1.
 */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEdgeExtension } from '../../src/ingest/extension.js';
import { silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { createSyncService, type SyncService } from '../../src/sync/service.js';
import { configSchema } from '../helpers/config-schema.js';
import { waitFor } from '../helpers/serve-process.js';
import { bansOf, fetchRaw, ScriptedRunner } from '../serve/support.js';
import { call, removeDir } from './support.js';

const TOKEN = 'mirror-edge-token-5c1a9e';

interface Primary {
  daemon: Runtime;
  apiban: ScriptedRunner;
  base: string;
  edge: string;
  /** serve.mirror as the next reload reads it. */
  mirror: Record<string, unknown>;
}

/** The addresses an output serves, its comment header left out. */
async function served(base: string, path = '/plain.txt'): Promise<string[]> {
  const body = (await fetchRaw(`${base}${path}`)).body.toString();
  return body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** Every address the mirror hands out after `cursor`, page by page as an APIBAN client reads them, and the last cursor. */
async function mirrorAfter(base: string, cursor = '100'): Promise<{ ips: string[]; cursor: string }> {
  const ips: string[] = [];
  for (;;) {
    const res = await fetchRaw(`${base}/api/${TOKEN}/banned/${cursor}`);
    const body = JSON.parse(res.body.toString());
    if (res.status === 400) {
      expect(body).to.deep.equal({ ipaddress: ['no new bans'], ID: 'none' });
      return { ips, cursor };
    }
    expect(res.status).to.equal(200);
    ips.push(...body.ipaddress);
    cursor = body.ID;
  }
}

async function mirrorCheck(base: string, ip: string): Promise<number> {
  return (await fetchRaw(`${base}/api/${TOKEN}/check/${ip}`)).status;
}

/**
 * A sync service that runs a full download when the test asks: a replica learns that an address
 * left the mirror only from a full download (APIBAN has no removal feed), which sync.fullResync
 * schedules in production.
 */
class FullOnAsk implements SyncService {
  full = false;
  constructor(private readonly service: SyncService) {}
  sync: SyncService['sync'] = (options) => this.service.sync({ ...options, full: this.full || options?.full });
  current: SyncService['current'] = () => this.service.current();
  close: SyncService['close'] = () => this.service.close();
}

describe('edge bans in the mirror (serve.mirror.includeEdge)', () => {
  const dirs: string[] = [];
  const daemons: Runtime[] = [];

  const stateDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edge-mirror-'));
    dirs.push(dir);
    return dir;
  };

  async function startPrimary(mirror: Record<string, unknown>): Promise<Primary> {
    const apiban = new ScriptedRunner(bansOf('192.0.2.1'));
    const dir = await stateDir();
    const loaded = () => ({
      config: configSchema.parse({
        ingest: { listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'] }] },
        serve: { mirror: { enabled: true, tokens: [TOKEN], ...primary.mirror } },
      }),
      source: 'test',
      stateDir: dir,
    });
    const primary = { apiban, mirror } as Primary;
    const daemon = await Runtime.start({
      loaded: loaded(),
      reloadConfig: loaded,
      log: silentLogger,
      createSync: async () => apiban,
      startExtension: startEdgeExtension,
      http: { listen: '127.0.0.1:0', processMetrics: false },
    });
    daemons.push(daemon);
    await daemon.syncNow();
    return Object.assign(primary, {
      daemon,
      base: `http://127.0.0.1:${daemon.address.port}`,
      edge: `http://127.0.0.1:${daemon.extensionAddress?.port}`,
    });
  }

  /** A replica serve whose APIBAN is the primary's mirror, as docs/edge.md "Sharing edge bans" sets it up. */
  async function startReplica(
    primary: Primary,
    raw: Record<string, unknown> = {},
  ): Promise<{ daemon: Runtime; sync: FullOnAsk; base: string }> {
    let sync: FullOnAsk | undefined;
    const config = configSchema.parse({
      apiban: { key: TOKEN, baseUrl: primary.base, budget: { requests: 1000, window: '1s' } },
      ...raw,
    });
    const daemon = await Runtime.start({
      loaded: { config, source: 'test', stateDir: await stateDir() },
      log: silentLogger,
      createSync: async (loaded, log, hooks) => {
        sync = new FullOnAsk(await createSyncService(loaded, log, hooks));
        return sync;
      },
      http: { listen: '127.0.0.1:0', processMetrics: false },
    });
    daemons.push(daemon);
    await daemon.syncNow();
    return { daemon, sync: sync as FullOnAsk, base: `http://127.0.0.1:${daemon.address.port}` };
  }

  afterEach(async () => {
    for (const daemon of daemons.splice(0)) await daemon.shutdown();
    for (const dir of dirs.splice(0)) await removeDir(dir);
  });

  it('with includeEdge, lists a /blockip in the mirror and a replica serves it; removed or expired, it leaves both', async () => {
    const primary = await startPrimary({ includeEdge: true });
    const replica = await startReplica(primary);
    const caughtUp = await mirrorAfter(primary.base);
    expect(caughtUp.ips).to.deep.equal(['192.0.2.1']);
    expect(await served(replica.base)).to.deep.equal(['192.0.2.1']);

    expect((await call(`${primary.edge}/blockip/198.51.100.77`)).json).to.deep.equal({ success: 'added' });
    await waitFor(async () => (await mirrorCheck(primary.base, '198.51.100.77')) === 200, 'the edge ban in the mirror');
    const announced = await mirrorAfter(primary.base, caughtUp.cursor);
    expect(announced.ips, 'new since the cursor a client caught up with').to.deep.equal(['198.51.100.77']);
    await replica.daemon.syncNow();
    expect(await served(replica.base)).to.deep.equal(['192.0.2.1', '198.51.100.77']);

    await call(`${primary.edge}/removeip/198.51.100.77`);
    await waitFor(async () => (await mirrorCheck(primary.base, '198.51.100.77')) === 400, 'the removed ban out of the mirror');
    expect((await mirrorAfter(primary.base)).ips).to.deep.equal(['192.0.2.1']);
    replica.sync.full = true;
    await replica.daemon.syncNow();
    expect(await served(replica.base), 'gone from the replica at its next full download').to.deep.equal(['192.0.2.1']);

    await call(`${primary.edge}/blockip/198.51.100.77`);
    await waitFor(async () => (await mirrorCheck(primary.base, '198.51.100.77')) === 200, 'the address banned again');
    expect((await mirrorAfter(primary.base, announced.cursor)).ips, 'banned again, it is new again').to.deep.equal(['198.51.100.77']);
    await call(`${primary.edge}/blockip/198.51.100.78?ttl=1`);
    // Past its end first: the set is rebuilt 100 ms after the answer, and until then the check says 400 too.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await waitFor(async () => (await mirrorCheck(primary.base, '198.51.100.78')) === 400, 'the 1 s ban expired');
    expect((await mirrorAfter(primary.base)).ips).to.deep.equal(['192.0.2.1', '198.51.100.77']);
    await replica.daemon.syncNow();
    expect(await served(replica.base)).to.deep.equal(['192.0.2.1', '198.51.100.77']);
  });

  it('by default keeps bans only the edge found out of the mirror and its replicas, while the outputs serve them', async () => {
    const primary = await startPrimary({});
    const replica = await startReplica(primary);
    await call(`${primary.edge}/blockip/198.51.100.77`);
    await waitFor(async () => (await served(primary.base)).includes('198.51.100.77'), 'the edge ban in /plain.txt');
    expect((await mirrorAfter(primary.base)).ips).to.deep.equal(['192.0.2.1']);
    expect(await mirrorCheck(primary.base, '198.51.100.77')).to.equal(400);
    await replica.daemon.syncNow();
    expect(await served(replica.base)).to.deep.equal(['192.0.2.1']);
  });

  it('by default lists an edge ban once APIBAN lists the address too, and keeps its ID when the edge ban ends', async () => {
    const primary = await startPrimary({});
    await call(`${primary.edge}/blockip/198.51.100.77`);
    await waitFor(async () => (await served(primary.base)).includes('198.51.100.77'), 'the edge ban in /plain.txt');
    const before = await mirrorAfter(primary.base);
    primary.apiban.next = bansOf('192.0.2.1', '198.51.100.77');
    await primary.daemon.syncNow();
    const listed = await fetchRaw(`${primary.base}/api/${TOKEN}/check/198.51.100.77`);
    expect(listed.status, 'the served set did not change, the mirror did').to.equal(200);
    expect((await mirrorAfter(primary.base, before.cursor)).ips).to.deep.equal(['198.51.100.77']);
    expect(await primary.daemon.reload(), 'a reload lists from the newest set').to.equal(true);
    expect((await fetchRaw(`${primary.base}/api/${TOKEN}/check/198.51.100.77`)).body.toString()).to.equal(listed.body.toString());
    await call(`${primary.edge}/removeip/198.51.100.77`);
    await primary.daemon.syncNow(); // publishes the set as it is after the removal
    expect((await fetchRaw(`${primary.base}/api/${TOKEN}/check/198.51.100.77`)).body.toString()).to.equal(listed.body.toString());
  });

  it('applies a reload that turns includeEdge on or off at once', async () => {
    const primary = await startPrimary({});
    await call(`${primary.edge}/blockip/198.51.100.77`);
    await waitFor(async () => (await served(primary.base)).includes('198.51.100.77'), 'the edge ban in /plain.txt');
    expect(await mirrorCheck(primary.base, '198.51.100.77')).to.equal(400);
    primary.mirror = { includeEdge: true };
    expect(await primary.daemon.reload()).to.equal(true);
    expect((await mirrorAfter(primary.base)).ips).to.deep.equal(['192.0.2.1', '198.51.100.77']);
    primary.mirror = {};
    expect(await primary.daemon.reload()).to.equal(true);
    expect((await mirrorAfter(primary.base)).ips).to.deep.equal(['192.0.2.1']);
  });

  it("applies the replica's own policy to what the mirror shares: its allowlist keeps an edge ban off its outputs", async () => {
    const primary = await startPrimary({ includeEdge: true });
    const replica = await startReplica(primary, { policy: { allowlist: ['198.51.100.0/28'] } });
    await call(`${primary.edge}/blockip/198.51.100.7`);
    await call(`${primary.edge}/blockip/198.51.100.77`);
    await waitFor(async () => (await mirrorAfter(primary.base)).ips.length === 3, 'both edge bans in the mirror');
    await replica.daemon.syncNow();
    expect(await served(replica.base)).to.deep.equal(['192.0.2.1', '198.51.100.77']);
  });
});
