/**
 * Edge bans reach the pushed devices within ingest.pushWithin, without waiting for a sync: the
 * runtime without its HTTP side (`push --watch`'s), a fake iptables-api device, a scripted sync.
 */
import { expect } from 'chai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEdgeExtension } from '../../src/ingest/extension.js';
import { silentLogger } from '../../src/log.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { configSchema } from '../helpers/config-schema.js';
import { FakeIptablesApi } from '../helpers/fake-iptables-api.js';
import { iptablesApiDevice } from '../helpers/push-watch.js';
import { waitFor } from '../helpers/serve-process.js';
import { bansOf, ScriptedRunner } from '../serve/support.js';
import { call, removeDir } from './support.js';

describe('edge bans pushed within ingest.pushWithin', () => {
  let stateDir: string;
  let device: FakeIptablesApi;
  let runtime: Runtime | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'edge-push-'));
    device = await new FakeIptablesApi().start();
  });

  afterEach(async () => {
    await runtime?.shutdown();
    await device.stop();
    await removeDir(stateDir);
  });

  async function start(pushWithin: string): Promise<{ runner: ScriptedRunner; edge: string }> {
    const runner = new ScriptedRunner(bansOf('192.0.2.1'));
    const config = configSchema.parse({
      ingest: { listen: '127.0.0.1:0', clients: [{ name: 'sbc1', allow: ['127.0.0.1/32'] }], pushWithin },
      push: { devices: [iptablesApiDevice(device, 'edge-fw', stateDir)] },
    });
    runtime = await Runtime.start({
      loaded: { config, source: 'test', stateDir },
      log: silentLogger,
      createSync: async () => runner,
      startExtension: startEdgeExtension,
    });
    await runtime.syncNow();
    await waitFor(async () => device.chain().includes('192.0.2.1'), 'the first push');
    return { runner, edge: `http://127.0.0.1:${runtime.extensionAddress?.port}` };
  }

  it('pushes bans and a removal without a sync, each ban sent once', async () => {
    const { runner, edge } = await start('200ms');
    const syncs = runner.syncs;
    const pushesBefore = device.requests.length;
    for (const address of ['198.51.100.77', '198.51.100.78', '198.51.100.79']) await call(`${edge}/blockip/${address}`);
    await waitFor(
      async () => ['198.51.100.77', '198.51.100.78', '198.51.100.79'].every((a) => device.chain().includes(a)),
      'the bans pushed',
    );
    expect(runner.syncs, 'no sync was needed').to.equal(syncs);
    const blocks = device.requests.slice(pushesBefore).filter((r) => r.includes('blockip') || r.includes('addip'));
    expect(blocks.length, 'each ban sent once').to.equal(3);
    await call(`${edge}/removeip/198.51.100.78`);
    await waitFor(async () => !device.chain().includes('198.51.100.78'), 'the removal pushed');
    expect(device.chain()).to.include('198.51.100.77');
  });

  it('waits no longer than pushWithin, even when the next sync is far away', async () => {
    const { edge } = await start('1s');
    await call(`${edge}/blockip/203.0.113.9`);
    expect(device.chain(), 'not before the window ends').to.not.include('203.0.113.9');
    await waitFor(async () => device.chain().includes('203.0.113.9'), 'the ban pushed after 1 s', 10_000);
  });
});
