/**
 * The scheduled pushes of serve and `push --watch` (src/push/push-scheduler.ts) hold a real
 * linux-nftables device: nft in a network namespace, reached over real OpenSSH. With nothing but
 * push.schedule.verifyEvery (2 s here) to trigger them, and a published set that never changes,
 * a set emptied behind the scheduler's back (`nft flush set`) is refilled by the next push.
 */
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/cli/load-config.js';
import { silentLogger } from '../../src/log.js';
import { createPushScheduler, type PushScheduler } from '../../src/push/push-scheduler.js';
import type { DeviceResult } from '../../src/fleet/device-result.js';
import { NetworkNamespace, netnsUnavailable } from '../helpers/netns.js';
import { OpenSshServer, openSshUnavailable } from '../helpers/openssh.js';
import { waitFor } from '../helpers/serve-process.js';
import { skipWhen } from '../helpers/skip.js';
import { servedSet } from '../serve/support.js';
import { bans } from './drivers/device.js';

const WANTED = ['192.0.2.10', '198.51.100.7', '203.0.113.9'];

function kernelSet(ns: NetworkNamespace): string[] {
  const answer = JSON.parse(ns.run('nft', ['-j', 'list', 'set', 'inet', 'apiban', 'v4'])) as { nftables: { set?: { elem?: unknown[] } }[] };
  return (answer.nftables.find((i) => i.set)?.set?.elem ?? []).map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
}

describe('scheduled pushes verify a linux-nftables device every verifyEvery (real nft over OpenSSH)', function () {
  this.timeout(60_000);
  let ns: NetworkNamespace;
  let server: OpenSshServer;
  let scheduler: PushScheduler | undefined;

  before(async function () {
    skipWhen(this, openSshUnavailable() ?? netnsUnavailable(['nft']));
    ns = NetworkNamespace.create('nftverify');
    server = await new OpenSshServer({ runner: `ip netns exec ${ns.name} /bin/sh -c` }).start();
  });
  after(async () => {
    await scheduler?.stop();
    await server?.stop();
    ns?.remove();
  });

  it('refills a set emptied behind its back, with no change of the published set', async () => {
    const tempDir = join(server.dir, 'upload');
    mkdirSync(tempDir);
    const file = join(server.dir, 'config.yaml');
    writeFileSync(
      file,
      stringify({
        sources: [{ name: 'sample', sample: true }],
        push: {
          schedule: { verifyEvery: '2s' },
          devices: [server.deviceEntry('fw', 'linux-nftables', { tempDir })],
        },
      }),
    );
    const results: DeviceResult[] = [];
    scheduler = createPushScheduler(await loadConfig(file, {}), silentLogger, { onResults: (r) => results.push(...r) });
    const published = servedSet(bans(...WANTED));
    scheduler.start(() => published);

    await waitFor(async () => results.length >= 2, 'a first push and a verification', 30_000);
    expect(results.map((r) => r.result).slice(0, 2), JSON.stringify(results)).to.deep.equal(['changed', 'unchanged']);
    expect(kernelSet(ns)).to.have.members(WANTED);

    const before = results.length;
    ns.run('nft', ['flush', 'set', 'inet', 'apiban', 'v4']);
    expect(kernelSet(ns), 'emptied').to.deep.equal([]);
    await waitFor(async () => results.length > before && kernelSet(ns).length === WANTED.length, 'the set refilled', 30_000);
    expect(kernelSet(ns)).to.have.members(WANTED);
    const repair = results[before];
    expect(repair, JSON.stringify(results)).to.include({ result: 'changed', added: WANTED.length, removed: 0 });
  });
});
