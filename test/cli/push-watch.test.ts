/**
 * `push --watch` as a child process: it pushes only to the devices the command line selects,
 * syncs no faster than serve would (the same interval clamp), whatever sync.interval says, and
 * reloads on SIGHUP as serve does (it runs serve's runtime without the HTTP side).
 */
import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeIptablesApi } from '../helpers/fake-iptables-api.js';
import { startFakeApiban, type FakeApiban } from '../helpers/fake-apiban.js';
import { iptablesApiDevice, startPushWatch, watchConfig } from '../helpers/push-watch.js';
import { waitFor } from '../helpers/serve-process.js';
import { present } from '../helpers/present.js';

const KEY = 'push-watch-key-4e21';

describe('cli push --watch', function () {
  this.timeout(30_000);
  let fake: FakeApiban;
  let daemons: FakeIptablesApi[];
  let dir: string;

  beforeEach(async () => {
    fake = await startFakeApiban({ key: KEY, addresses: ['192.0.2.10', '198.51.100.20'] });
    daemons = [await new FakeIptablesApi().start(), await new FakeIptablesApi().start()];
    dir = mkdtempSync(join(tmpdir(), 'apiban-push-watch-'));
  });
  afterEach(async () => {
    for (const daemon of daemons) await daemon.stop();
    await fake.close();
  });

  function start(args: string[]) {
    const config = watchConfig(dir, fake.url, {
      sync: { interval: '200ms' },
      push: { devices: daemons.map((d, i) => iptablesApiDevice(d, `api${i}`, dir, { groups: [`g${i}`] })) },
    });
    return startPushWatch(config, { FAKE_KEY: KEY }, [], args);
  }

  it('pushes only to the selected devices and syncs no faster than the clamped interval', async () => {
    const watcher = start(['--device', 'api1']);
    try {
      await waitFor(async () => daemons[1].chain().length === 2, 'the first push to api1', 20_000);
      const watching = watcher
        .stderr()
        .split('\n')
        .find((l) => l.includes('"watching"'));
      expect(JSON.parse(present(watching, 'the watching log line'))).to.deep.include({ intervalMs: 60_000, devices: ['api1'] });
      const syncRequests = fake.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(fake.requests.length, 'no sync every 200 ms').to.equal(syncRequests);
      expect(daemons[0].requests, 'api0 was not selected').to.deep.equal([]);
    } finally {
      watcher.child.kill('SIGTERM');
      await watcher.exited;
    }
  });

  it('without a selection pushes to push.schedule.select, like serve', async () => {
    const watcher = start(['--min-interval', '100ms']);
    try {
      await waitFor(async () => watcher.stderr().includes('"watching"'), 'the watching line', 20_000);
      const watching = watcher
        .stderr()
        .split('\n')
        .find((l) => l.includes('"watching"'));
      // 11 requests per 2 minutes (the default budget): two requests per sync leave one sync per 21.8 s
      expect(JSON.parse(present(watching, 'the watching log line'))).to.deep.include({
        intervalMs: Math.ceil((2 * 120_000) / 11),
        devices: ['api0', 'api1'],
      });
      await waitFor(async () => daemons[0].chain().length === 2 && daemons[1].chain().length === 2, 'both pushed', 20_000);
    } finally {
      watcher.child.kill('SIGTERM');
      await watcher.exited;
    }
  });

  it('reloads on SIGHUP: a device added to the file is pushed to, and the watcher stays up', async () => {
    const sections = (devices: FakeIptablesApi[]) => ({
      sync: { interval: '200ms' },
      // Each device is checked and repaired every second, so the reloaded schedule reaches api1 soon.
      push: { devices: devices.map((d) => iptablesApiDevice(d, `api${daemons.indexOf(d)}`, dir)), schedule: { verifyEvery: '1s' } },
    });
    const config = watchConfig(dir, fake.url, sections([daemons[0]]));
    const watcher = startPushWatch(config, { FAKE_KEY: KEY }, [], ['--min-interval', '100ms']);
    try {
      await waitFor(async () => daemons[0].chain().length === 2, 'the first push to api0', 20_000);
      expect(daemons[1].requests, 'api1 is not configured yet').to.deep.equal([]);
      watchConfig(dir, fake.url, sections(daemons));
      watcher.child.kill('SIGHUP');
      await waitFor(async () => watcher.stderr().includes('"configuration reloaded"'), 'the reload', 20_000);
      await waitFor(async () => daemons[1].chain().length === 2, 'a push to api1 after the reload', 20_000);
      expect(watcher.child.exitCode, 'still running').to.equal(null);
    } finally {
      watcher.child.kill('SIGTERM');
      await watcher.exited;
    }
  });
});
